# 低保户花名册: the members of every household with a member on the minimum living
# allowance (tag dibao), household by household, head first, as the township's civil
# affairs office asks for it: GBK (its system is old), dates as 1980年01月01日.

[template]
name = dibao
title = Minimum living allowance household roster (低保户花名册)
encoding = gbk
protect = excel
where = h.id IN (SELECT household_id FROM resident WHERE ',' || tags || ',' LIKE '%,dibao,%') \
AND r.living_status = '1'
order = t.name, v.name, h.hh_no, r.relation <> '02', r.birth_date

[column]
header = 乡镇
value = t.name

[column]
header = 村(居)委会
value = v.name

[column]
header = 户号
value = h.hh_no

[column]
header = 户主姓名
value = hd.name

[column]
header = 家庭人口
value = (SELECT count(*) FROM resident m WHERE m.household_id = h.id AND m.living_status = '1')
type = number

[column]
header = 姓名
value = r.name

[column]
header = 与户主关系
value = r.relation
type = code
list = relation

[column]
header = 性别
value = r.sex
type = code
list = sex

[column]
header = 出生日期
value = r.birth_date
type = date
format = YYYY年MM月DD日

[column]
header = 身份证号码
value = r.id_number
type = id

[column]
header = 是否低保对象
value = CASE WHEN ',' || r.tags || ',' LIKE '%,dibao,%' THEN '是' ELSE '否' END

[column]
header = 人员类别
value = r.tags
type = multi
list = tags

[column]
header = 联系电话
value = coalesce(r.phone, hd.phone)
type = phone

[column]
header = 家庭住址
value = h.address
