/**
 * Hotline classification codes → Gridwork category codes.
 *
 * A 12345 platform files calls under its own classification (GB/T 39666-style subject codes;
 * each city's platform publishes its own list). A feed may carry either a Gridwork category
 * code (`GET /api/ticket-categories`), which is used as is, or one of the hotline codes below,
 * which is translated. The table is deliberately small: it lists the subjects that grids and
 * communities handle and that the default catalogue has a class for. A city extends it here for
 * the codes its platform sends; codes in neither the catalogue nor this table are error rows.
 *
 * The codes on the left are illustrative placeholders in the shape hotline platforms use
 * (a subject group and a sequence), not quotations of the standard.
 */
export const HOTLINE_CATEGORY_MAP: Readonly<Record<string, string>> = {
  // 城乡建设 / urban management
  'CX0101': '0301', // 生活垃圾、暴露垃圾 → 暴露垃圾
  'CX0102': '0302', // 乱堆乱放 → 乱堆物料
  'CX0103': '0303', // 小广告 → 乱贴小广告
  'CX0104': '0304', // 占道经营 → 占道经营
  'CX0201': '0102', // 路灯 → 路灯不亮
  'CX0202': '0101', // 井盖 → 井盖缺失破损
  'CX0301': '0201', // 道路破损 → 道路破损坑洼
  'CX0401': '0501', // 违章建筑 → 违法建设
  // 生态环境 / environment
  'HJ0101': '0305', // 噪声污染 → 噪声扰民
  'HJ0102': '0306', // 餐饮油烟 → 餐饮油烟
  // 住房保障、物业 / housing
  'ZF0101': '0503', // 物业服务 → 物业服务问题
  'ZF0102': '0801', // 供暖 → 供暖问题
  // 公共安全 / safety
  'AQ0101': '0701', // 消防通道 → 消防通道堵塞
  'AQ0102': '0702', // 电动车充电 → 电动车违规充电
  // 社会管理 / social
  'SH0101': '0601', // 邻里纠纷 → 邻里纠纷
  'SH0201': '0901', // 老年人关爱 → 独居老人关爱
};

/** The Gridwork code for a feed's code: itself if the catalogue has it, else the mapped one. */
export function gridworkCategory(code: string, known: (code: string) => boolean): string | null {
  if (known(code)) return code;
  const mapped = HOTLINE_CATEGORY_MAP[code.toUpperCase()];
  return mapped && known(mapped) ? mapped : null;
}
