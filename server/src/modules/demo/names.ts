import type { Rng } from '../../platform/geo/index.js';

// Surnames weighted roughly by frequency in northern China (most common first).
const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const MALE = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志海峰亮东兵成博文斌瑞晨'.split('');
const FEMALE = '芳娜敏静丽艳娟霞秀英华玲红梅琳燕萍雪婷慧莉颖倩洁佳欣怡悦晶丹蕾薇琴月凤兰'.split('');
// Mongolian given names common in Inner Mongolia, written in Chinese characters.
const MONGOLIAN_MALE = ['巴特尔', '额尔敦', '那仁', '阿拉坦', '宝音', '朝鲁', '孟和', '苏和', '图门', '布仁'];
const MONGOLIAN_FEMALE = ['其其格', '乌兰', '斯琴', '苏日娜', '萨仁', '高娃', '娜仁', '塔娜', '托娅', '阿茹娜'];

function surname(rng: Rng): string {
  // Skewed toward the front of the list, as real frequencies are.
  const i = Math.floor(Math.pow(rng.next(), 2.2) * SURNAMES.length);
  return SURNAMES[i]!;
}

export function chineseName(rng: Rng, sex: 'male' | 'female', mongolian = false): string {
  if (mongolian) return rng.pick(sex === 'male' ? MONGOLIAN_MALE : MONGOLIAN_FEMALE);
  const pool = sex === 'male' ? MALE : FEMALE;
  const given = rng.next() < 0.35 ? rng.pick(pool) : rng.pick(pool) + rng.pick(pool);
  return surname(rng) + given;
}

export function mobile(rng: Rng): string {
  const prefixes = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '147', '150', '151', '152', '155', '156', '157', '158', '159', '177', '180', '181', '186', '187', '189', '199'];
  return rng.pick(prefixes) + String(rng.int(0, 99_999_999)).padStart(8, '0');
}
