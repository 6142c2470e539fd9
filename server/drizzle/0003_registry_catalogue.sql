-- Default catalogues; each city edits them in the console (catalogue.write).
INSERT INTO "tag_catalogue" ("code", "name", "category", "must_visit", "sort") VALUES
  ('needy', '困难群众', '五必访', true, 10),
  ('migrant', '流动人口', '五必访', true, 20),
  ('elderly_alone', '独居老人', '五必访', true, 30),
  ('empty_nest', '空巢老人', '五必访', true, 31),
  ('special_group', '特殊人群', '五必访', true, 40),
  ('left_behind_woman', '留守妇女', '五必访', true, 50),
  ('left_behind_child', '留守儿童', '五必访', true, 51),
  ('low_income', '低保对象', '民政', false, 60),
  ('disabled', '残疾人', '民政', false, 61),
  ('veteran', '退役军人', '退役军人事务', false, 70),
  ('volunteer', '志愿者', '参与', false, 80),
  ('building_head', '楼栋长', '参与', false, 81)
ON CONFLICT ("code") DO NOTHING;
--> statement-breakpoint
INSERT INTO "household_colours" ("code", "name", "hex", "meaning", "sort") VALUES
  ('red', '红色', '#d4380d', '党员户、先进示范户：带头参与社区治理', 10),
  ('green', '绿色', '#389e0d', '和谐稳定户：一般关注，常规走访', 20),
  ('blue', '蓝色', '#1d39c4', '流动人口户、出租户：动态掌握，定期核查', 30),
  ('yellow', '黄色', '#d4b106', '重点关注户：矛盾纠纷、信访等，及时跟进', 40),
  ('orange', '橙色', '#d46b08', '困难帮扶户：低保、残疾、独居老人等，精准服务', 50)
ON CONFLICT ("code") DO NOTHING;
