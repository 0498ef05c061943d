# The whole register, one row per resident, every field: the default export, and the
# file that `shanzhi import residents` reads back unchanged (its headers are the first
# names import knows). See README.md in this folder for the format.

[template]
name = residents
title = Resident register (all fields)
encoding = utf-8-bom
protect = excel
order = r.id

[column]
header = 户号
value = h.hh_no

[column]
header = 姓名
value = r.name

[column]
header = 公民身份号码
value = r.id_number
type = id

[column]
header = 性别
value = r.sex
type = code
list = sex

[column]
header = 出生日期
value = r.birth_date
type = date
format = YYYY-MM-DD

[column]
header = 民族
value = r.ethnicity
type = code
list = ethnicity

[column]
header = 与户主关系
value = r.relation
type = code
list = relation

[column]
header = 联系电话
value = r.phone
type = phone

[column]
header = 政治面貌
value = r.political
type = code
list = political

[column]
header = 文化程度
value = r.education
type = code
list = education

[column]
header = 婚姻状况
value = r.marital
type = code
list = marital

[column]
header = 居住类别
value = r.residence
type = code
list = residence

[column]
header = 人员状态
value = r.living_status
type = code
list = living_status

[column]
header = 状态日期
value = r.status_date
type = date
format = YYYY-MM-DD

[column]
header = 状态原因
value = r.status_reason

[column]
header = 人员类别
value = r.tags
type = multi
list = tags

[column]
header = 备注
value = r.notes

[column]
header = 家庭住址
value = h.address

[column]
header = 村民小组
value = h.village_group

[column]
header = 乡镇
value = t.name

[column]
header = 村(居)委会
value = v.name

[column]
header = 网格
value = g.name
