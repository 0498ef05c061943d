# 网格人员花名册: everyone on the register, grid by grid, household by household,
# with the grid worker who looks after them, for the comprehensive governance
# (综治) grid system's upload (UTF-8 with a BOM, which its Excel template opens).

[template]
name = grid
title = Grid roster (网格人员花名册)
encoding = utf-8-bom
protect = excel
where = r.living_status = '1'
order = t.name, v.name, g.code, h.hh_no, r.relation <> '02', r.birth_date

[column]
header = 乡镇(街道)
value = t.name

[column]
header = 村(社区)
value = v.name

[column]
header = 网格
value = g.name

[column]
header = 网格员
value = (SELECT group_concat(coalesce(w.name, (SELECT p.name FROM resident p WHERE p.id = w.resident_id)), '、') \
        FROM ledger_grid_staff w WHERE w.grid_id = g.id AND w.active = '1')

[column]
header = 户号
value = h.hh_no

[column]
header = 村民小组
value = h.village_group

[column]
header = 姓名
value = r.name

[column]
header = 性别
value = r.sex
type = code
list = sex

[column]
header = 年龄
value = sz_age(r.birth_date)
type = number

[column]
header = 公民身份号码
value = r.id_number
type = id

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
header = 居住类别
value = r.residence
type = code
list = residence

[column]
header = 重点人群
value = r.tags
type = multi
list = tags

[column]
header = 联系电话
value = r.phone
type = phone

[column]
header = 现住址
value = h.address
