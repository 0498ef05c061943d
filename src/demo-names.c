/* demo-names: names, phone numbers and the places of 花溪区
 * for the demo village. The tables are rough frequencies as seen in Guizhou village
 * registers: enough that a list of residents looks like a real one. */
#include "demo-names.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

const char *demo_pick(struct prng *r, const struct demo_weighted *t, size_t n)
{
	unsigned total = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i].weight;
	unsigned x = prng_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < t[i].weight)
			return t[i].value;
		x -= t[i].weight;
	}
	return t[n - 1].value;
}

#define PICK(r, table) demo_pick((r), (table), ARRAY_LEN(table))

/* Han surnames in Guizhou, weights roughly per ten thousand people. */
static const struct demo_weighted han_surnames[] = {
	{"王", 600}, {"李", 550}, {"张", 450}, {"刘", 400}, {"陈", 450}, {"杨", 500},
	{"黄", 250}, {"赵", 180}, {"吴", 300}, {"周", 180}, {"徐", 120}, {"孙", 80},
	{"马", 100}, {"朱", 100}, {"胡", 150}, {"郭", 80}, {"何", 180}, {"高", 80},
	{"林", 60}, {"罗", 300}, {"郑", 70}, {"梁", 80}, {"谢", 120}, {"宋", 80},
	{"唐", 150}, {"许", 60}, {"韩", 50}, {"冯", 80}, {"邓", 120}, {"曹", 60},
	{"彭", 100}, {"曾", 80}, {"肖", 100}, {"田", 120}, {"董", 60}, {"袁", 100},
	{"潘", 80}, {"蒋", 80}, {"蔡", 50}, {"余", 100}, {"杜", 50}, {"叶", 40},
	{"程", 60}, {"苏", 50}, {"魏", 50}, {"吕", 40}, {"丁", 50}, {"任", 60},
	{"姚", 50}, {"卢", 50}, {"钟", 40}, {"谭", 60}, {"陆", 50}, {"汪", 40},
	{"范", 40}, {"金", 40}, {"石", 80}, {"廖", 60}, {"付", 60}, {"熊", 80},
	{"秦", 40}, {"邱", 40}, {"雷", 60}, {"侯", 40}, {"龙", 100}, {"陶", 50},
	{"黎", 40}, {"贺", 30}, {"毛", 40}, {"龚", 40}, {"向", 50}, {"汤", 30},
	{"文", 50}, {"聂", 30}, {"骆", 20}, {"喻", 20}, {"颜", 20},
	{"单", 10}, {"解", 8}, {"仇", 6}, {"查", 8}, {"朴", 3}, {"覃", 20},
	{"翟", 15}, {"区", 3}, {"欧阳", 8}, {"诸葛", 2},
};

/* 苗族 surnames around 高坡 and 马铃. */
static const struct demo_weighted miao_surnames[] = {
	{"杨", 300}, {"龙", 200}, {"吴", 200}, {"王", 150}, {"罗", 150}, {"陈", 100},
	{"石", 120}, {"金", 60}, {"唐", 50}, {"李", 80}, {"张", 60}, {"刘", 40},
	{"麻", 30}, {"雷", 30}, {"潘", 40}, {"韦", 30}, {"顾", 20},
};

/* 布依族 surnames around 石板, 湖潮, 孟关. */
static const struct demo_weighted buyi_surnames[] = {
	{"班", 150}, {"韦", 200}, {"罗", 200}, {"王", 150}, {"陈", 120}, {"杨", 100},
	{"吴", 100}, {"岑", 60}, {"蒙", 80}, {"莫", 70}, {"黄", 80}, {"卢", 60},
	{"潘", 60}, {"伍", 50}, {"覃", 40}, {"柏", 30}, {"梁", 30},
};

/* Other groups of Guizhou: 侗 土家 彝 仡佬 水 回 (GB 3304). */
static const struct demo_weighted other_ethnic_codes[] = {
	{"12", 30}, {"15", 25}, {"07", 15}, {"37", 15}, {"25", 8}, {"03", 7},
};

const char *demo_ethnic_code(struct prng *r, enum demo_ethnic e)
{
	switch (e) {
	case DEMO_HAN: return "01";
	case DEMO_MIAO: return "06";
	case DEMO_BUYI: return "09";
	case DEMO_UYGHUR: return "05";
	case DEMO_OTHER: break;
	}
	return PICK(r, other_ethnic_codes);
}

const char *demo_surname(struct prng *r, enum demo_ethnic e)
{
	switch (e) {
	case DEMO_MIAO: return PICK(r, miao_surnames);
	case DEMO_BUYI: return PICK(r, buyi_surnames);
	default: return PICK(r, han_surnames);
	}
}

/* Given-name characters by era: born before 1965, 1965-1994, from 1995 on. */
static const char *const male_old[] = {
	"国", "建", "华", "明", "德", "忠", "福", "贵", "发", "富", "昌", "荣", "光",
	"祥", "永", "学", "文", "成", "正", "兴", "清", "金", "林", "才", "山", "全",
	"友", "云", "海", "志", "生", "顺", "开", "庆", "安", "元", "启", "振",
};
static const char *const male_mid[] = {
	"伟", "强", "军", "勇", "杰", "涛", "明", "超", "平", "刚", "辉", "斌", "波",
	"鹏", "海", "飞", "俊", "峰", "磊", "洋", "勇", "林", "江", "松", "兵", "红",
	"东", "春", "华", "彬", "健", "亮", "武", "龙", "毅", "锋", "敏", "雄",
};
static const char *const male_young[] = {
	"浩", "宇", "轩", "子", "梓", "然", "睿", "博", "晨", "泽", "铭", "俊", "杰",
	"鑫", "航", "一", "宸", "诚", "逸", "昊", "天", "佑", "辰", "皓", "楷", "锦",
	"涵", "煜", "阳", "凯", "豪", "翔", "文", "锐", "思", "嘉", "奕", "源",
};
static const char *const female_old[] = {
	"秀", "英", "桂", "兰", "珍", "芳", "凤", "玉", "翠", "菊", "梅", "花", "素",
	"琼", "淑", "群", "美", "莲", "萍", "香", "芬", "云", "华", "珠", "荣", "巧",
	"妹", "仙", "会", "银", "春", "碧", "德", "先", "顺", "竹", "明", "敏",
};
static const char *const female_mid[] = {
	"丽", "艳", "娟", "霞", "玲", "燕", "敏", "静", "红", "琴", "慧", "莉", "萍",
	"丹", "婷", "雪", "梅", "娜", "晶", "倩", "洁", "颖", "芳", "琳", "佳", "蓉",
	"英", "春", "露", "曼", "利", "青", "芸", "兰", "微", "艺", "黎", "莎",
};
static const char *const female_young[] = {
	"欣", "怡", "梓", "涵", "雨", "萱", "思", "语", "诗", "可", "馨", "若", "紫",
	"佳", "悦", "依", "一", "诺", "彤", "瑶", "琪", "晨", "子", "沐", "安", "乐",
	"雅", "婧", "妍", "蕊", "菲", "心", "玥", "钰", "晗", "睿", "婉", "柔",
};

static const char *given_char(struct prng *r, int sex, int birth_year)
{
	const char *const *pool;
	size_t n;
	if (sex == 1) {
		if (birth_year < 1965) { pool = male_old; n = ARRAY_LEN(male_old); }
		else if (birth_year < 1995) { pool = male_mid; n = ARRAY_LEN(male_mid); }
		else { pool = male_young; n = ARRAY_LEN(male_young); }
	} else {
		if (birth_year < 1965) { pool = female_old; n = ARRAY_LEN(female_old); }
		else if (birth_year < 1995) { pool = female_mid; n = ARRAY_LEN(female_mid); }
		else { pool = female_young; n = ARRAY_LEN(female_young); }
	}
	return pool[prng_below(r, (uint32_t)n)];
}

const char *demo_generation_char(struct prng *r, int sex, int birth_year)
{
	return given_char(r, sex, birth_year);
}

/* Uyghur given names and fathers' names for "given·father" (民委发〔2016〕33号). */
static const char *const uyghur_male[] = {
	"艾力", "买买提", "阿不都", "吐尔逊", "艾克拜尔", "努尔", "热合曼", "伊力哈木",
	"亚森", "阿里木",
};
static const char *const uyghur_female[] = {
	"阿依古丽", "古丽娜尔", "热依拉", "米日古丽", "帕提古丽", "阿依努尔", "祖丽菲亚",
	"迪丽拜尔",
};

/* One or two given characters; single-character names are commoner among the old. */
static void han_given(struct prng *r, int sex, int birth_year, const char *generation,
		      struct strbuf *sb)
{
	unsigned single = birth_year < 1965 ? 220 : birth_year < 1995 ? 150 : 90;
	if (generation && *generation) {
		sb_append(sb, generation);
		const char *c;
		do
			c = given_char(r, sex, birth_year);
		while (strcmp(c, generation) == 0);
		sb_append(sb, c);
		return;
	}
	const char *first = given_char(r, sex, birth_year);
	sb_append(sb, first);
	if (prng_chance(r, single))
		return;
	const char *second = given_char(r, sex, birth_year);
	/* 叠字 names (婷婷, 丹丹) are common among girls, rare otherwise */
	if (strcmp(second, first) == 0 && !(sex == 2 && birth_year >= 1980))
		second = given_char(r, sex, birth_year);
	sb_append(sb, second);
}

void demo_full_name(struct prng *r, enum demo_ethnic e, const char *surname, int sex,
		    int birth_year, const char *generation, char *out, size_t cap)
{
	struct strbuf sb = {0};
	if (e == DEMO_UYGHUR) {
		const char *const *pool = sex == 1 ? uyghur_male : uyghur_female;
		size_t n = sex == 1 ? ARRAY_LEN(uyghur_male) : ARRAY_LEN(uyghur_female);
		sb_append(&sb, pool[prng_below(r, (uint32_t)n)]);
		sb_append(&sb, "·");
		sb_append(&sb, uyghur_male[prng_below(r, ARRAY_LEN(uyghur_male))]);
	} else {
		sb_append(&sb, surname);
		han_given(r, sex, birth_year, generation, &sb);
	}
	snprintf(out, cap, "%s", sb.s);
	sb_free(&sb);
}

/* Given-name characters outside GBK (in GB 18030): exports must name these. */
static const char *const rare_chars[] = {"䶮", "𠮷", "㛃", "𬱖", "𫖯"};
static const char *const rare_partners[] = {"", "子", "文", "一", "思"};

void demo_rare_name(struct prng *r, const char *surname, char *out, size_t cap)
{
	const char *rare = rare_chars[prng_below(r, ARRAY_LEN(rare_chars))];
	const char *partner = rare_partners[prng_below(r, ARRAY_LEN(rare_partners))];
	snprintf(out, cap, "%s%s%s", surname, partner, rare);
}

/* Mobile prefixes of the three operators, China Mobile the commonest in Guizhou. */
static const struct demo_weighted mobile_prefixes[] = {
	{"139", 90}, {"138", 60}, {"135", 50}, {"136", 30}, {"137", 30}, {"150", 40},
	{"151", 40}, {"152", 40}, {"157", 20}, {"158", 40}, {"159", 40}, {"182", 40},
	{"183", 30}, {"187", 50}, {"188", 40}, {"198", 20}, {"178", 20}, {"147", 10},
	{"130", 20}, {"131", 15}, {"132", 10}, {"155", 15}, {"156", 15}, {"185", 20},
	{"186", 25}, {"166", 10}, {"175", 8}, {"176", 8}, {"133", 15}, {"153", 15},
	{"180", 15}, {"181", 15}, {"189", 25}, {"177", 10}, {"173", 10}, {"199", 15},
};

void demo_mobile(struct prng *r, char out[12])
{
	snprintf(out, 12, "%s%08u", PICK(r, mobile_prefixes), prng_below(r, 100000000));
}

void demo_landline(struct prng *r, char out[16])
{
	snprintf(out, 16, "0851%u%07u", 8u, prng_below(r, 10000000));
}

const struct demo_town demo_towns[] = {
	{"520111101", "青岩镇", {70, 10, 18, 2}},
	{"520111102", "石板镇", {60, 5, 33, 2}},
	{"520111104", "麦坪镇", {70, 10, 18, 2}},
	{"520111105", "燕楼镇", {65, 10, 23, 2}},
	{"520111201", "孟关乡", {65, 5, 28, 2}},
	{"520111204", "湖潮乡", {60, 8, 30, 2}},
	{"520111205", "久安乡", {80, 10, 8, 2}},
	{"520111207", "高坡乡", {25, 70, 3, 2}},
	{"520111208", "黔陶乡", {60, 10, 28, 2}},
	{"520111209", "马铃乡", {50, 20, 28, 2}},
};
const size_t demo_town_count = ARRAY_LEN(demo_towns);

/* Town indexes as in demo_towns. */
enum { QY, SB, MP, YL, MG, HC, JA, GP, QT, ML };

const struct demo_village demo_villages[] = {
	{QY, "201", "龙井村"}, {SB, "201", "镇山村"}, {MP, "201", "麦坪村"},
	{YL, "201", "燕楼村"}, {MG, "201", "孟关村"}, {HC, "201", "湖潮村"},
	{JA, "201", "久安村"}, {GP, "201", "高坡村"}, {QT, "201", "黔陶村"},
	{ML, "201", "马铃村"},
	{QY, "202", "摆托村"}, {SB, "202", "石板村"}, {MP, "202", "戈寨村"},
	{YL, "202", "旧盘村"}, {MG, "202", "石龙村"}, {HC, "202", "新民村"},
	{JA, "202", "打通村"}, {GP, "202", "甲定村"}, {QT, "202", "骑龙村"},
	{ML, "202", "凯坝村"},
	{QY, "203", "歪脚村"}, {SB, "203", "合朋村"}, {MP, "203", "水田村"},
	{YL, "203", "槐舟村"}, {MG, "203", "沙坡村"}, {HC, "203", "磊庄村"},
	{JA, "203", "巩固村"}, {GP, "203", "扰绕村"}, {QT, "203", "半坡村"},
	{ML, "203", "谷中村"},
	{QY, "204", "新关村"}, {SB, "204", "芦荻村"}, {MP, "204", "新寨村"},
	{YL, "204", "新哨村"}, {MG, "204", "改毛村"}, {HC, "204", "车田村"},
	{JA, "204", "雪厂村"}, {GP, "204", "云顶村"}, {QT, "204", "赵司村"},
	{ML, "204", "满寨村"},
	{QY, "205", "谷通村"}, {SB, "205", "隆昌村"}, {MP, "205", "麦乃村"},
	{YL, "205", "谷立村"}, {MG, "205", "上板村"}, {HC, "205", "广兴村"},
	{JA, "205", "拐耳村"}, {GP, "205", "大洪村"}, {QT, "205", "老榜河村"},
	{ML, "205", "谷增村"},
	{QY, "206", "大坝村"}, {SB, "206", "羊龙村"}, {MP, "206", "大寨村"},
	{YL, "206", "西冲村"}, {MG, "206", "翁岗村"}, {HC, "206", "芦荻哨村"},
	{JA, "206", "小山村"}, {GP, "206", "杉坪村"}, {QT, "206", "马场村"},
	{ML, "206", "翁井村"},
	{QY, "207", "杉坪村"}, {SB, "207", "花鱼井村"}, {MP, "207", "龙场村"},
	{MG, "207", "猫洞村"}, {HC, "207", "硃砂村"}, {GP, "207", "石门村"},
	{QY, "208", "思潜村"}, {SB, "208", "摆古村"}, {GP, "208", "水塘村"},
	{QY, "209", "山王庙村"}, {SB, "209", "云凹村"},
	{QY, "210", "关口村"},
	{QY, "001", "北街社区"}, {QY, "002", "东街社区"}, {SB, "001", "石板社区"},
	{YL, "001", "燕楼社区"},
};
const size_t demo_village_count = ARRAY_LEN(demo_villages);

/* Counties people marry or move in from: the rest of Guiyang and Guizhou. */
static const struct demo_weighted other_regions[] = {
	{"520102", 20}, {"520103", 15}, {"520112", 10}, {"520113", 10}, {"520115", 10},
	{"520121", 8}, {"520122", 6}, {"520123", 8}, {"522601", 10}, {"522701", 10},
	{"522725", 6}, {"520402", 8}, {"520302", 6}, {"522301", 5}, {"520502", 5},
	{"530102", 3}, {"500101", 4}, {"430105", 3},
};

const char *demo_other_region(struct prng *r)
{
	return PICK(r, other_regions);
}
