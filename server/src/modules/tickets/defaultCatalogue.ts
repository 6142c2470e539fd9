/**
 * The category catalogue a new city starts with (shipped as a migration, editable afterwards):
 * the digital city management classes of GB/T 30428 (public facilities, roads and traffic, city
 * appearance and environment, greenery, housing and land) and the social governance classes the
 * reports name (disputes, safety hazards, livelihood services, care for special groups).
 *
 * Limits follow the seeds: a simple matter is resolved within 24 hours; a complex one is answered
 * within 3 working days and resolved within 15 (the hotline norm). Simple matters stay in the
 * grid ("小事不出网格"); disputes go to the community; law enforcement and utilities to a department.
 */
export interface Attribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  order: number;
  description: string;
  datatypeDescription?: string;
  values?: { key: string; name: string }[];
}

export interface CategorySeed {
  code: string;
  name: string;
  nameEn: string;
  complexity?: 'simple' | 'complex';
  tier?: 'grid' | 'community' | 'street' | 'district' | 'department';
  unit?: string;
  attributes?: Attribute[];
}

const S = { complexity: 'simple' as const };
const C = { complexity: 'complex' as const };

export const DEFAULT_CATEGORIES: { top: CategorySeed; children: CategorySeed[] }[] = [
  {
    top: { code: '01', name: '公用设施', nameEn: 'Public facilities' },
    children: [
      { code: '0101', name: '井盖缺失破损', nameEn: 'Missing or broken manhole cover', ...S, tier: 'department', unit: '市政设施管理部门' },
      {
        code: '0102', name: '路灯不亮', nameEn: 'Street light out', ...S, tier: 'department', unit: '市政设施管理部门',
        attributes: [{ code: 'lamp_no', datatype: 'string', required: false, order: 1, description: '路灯杆编号（灯杆上的铭牌）' }],
      },
      { code: '0103', name: '供水管道漏水', nameEn: 'Leaking water main', ...C, tier: 'department', unit: '供水公司' },
      { code: '0104', name: '健身器材损坏', nameEn: 'Broken fitness equipment', ...S, tier: 'community' },
    ],
  },
  {
    top: { code: '02', name: '道路交通', nameEn: 'Roads and traffic' },
    children: [
      { code: '0201', name: '道路破损坑洼', nameEn: 'Damaged road surface', ...C, tier: 'department', unit: '住房和城乡建设局' },
      { code: '0202', name: '交通信号灯故障', nameEn: 'Traffic light fault', ...S, tier: 'department', unit: '公安交警大队' },
      { code: '0203', name: '非机动车乱停放', nameEn: 'Bicycles parked in the way', ...S, tier: 'grid' },
      { code: '0204', name: '僵尸车占道', nameEn: 'Abandoned vehicle', ...C, tier: 'department', unit: '公安交警大队' },
    ],
  },
  {
    top: { code: '03', name: '市容环境', nameEn: 'City appearance and environment' },
    children: [
      { code: '0301', name: '暴露垃圾', nameEn: 'Exposed rubbish', ...S, tier: 'grid' },
      { code: '0302', name: '乱堆物料', nameEn: 'Materials piled in public space', ...S, tier: 'grid' },
      { code: '0303', name: '乱贴小广告', nameEn: 'Fly-posting', ...S, tier: 'grid' },
      { code: '0304', name: '占道经营', nameEn: 'Street stalls blocking the way', ...S, tier: 'street' },
      { code: '0305', name: '噪声扰民', nameEn: 'Noise nuisance', ...C, tier: 'department', unit: '生态环境分局' },
      { code: '0306', name: '餐饮油烟', nameEn: 'Restaurant fumes', ...C, tier: 'department', unit: '城市管理综合执法局' },
    ],
  },
  {
    top: { code: '04', name: '园林绿化', nameEn: 'Greenery' },
    children: [
      { code: '0401', name: '绿地损坏', nameEn: 'Damaged green space', ...S, tier: 'community' },
      { code: '0402', name: '树木倒伏枯死', nameEn: 'Fallen or dead tree', ...S, tier: 'department', unit: '园林绿化中心' },
      { code: '0403', name: '毁绿种菜', nameEn: 'Vegetables planted on green space', ...S, tier: 'grid' },
    ],
  },
  {
    top: { code: '05', name: '房屋土地', nameEn: 'Housing and land' },
    children: [
      { code: '0501', name: '违法建设', nameEn: 'Unauthorised construction', ...C, tier: 'department', unit: '城市管理综合执法局' },
      { code: '0502', name: '房屋安全隐患', nameEn: 'Unsafe building', ...C, tier: 'department', unit: '住房和城乡建设局' },
      { code: '0503', name: '物业服务问题', nameEn: 'Property management service', ...C, tier: 'community' },
    ],
  },
  {
    top: { code: '06', name: '矛盾纠纷', nameEn: 'Disputes' },
    children: [
      { code: '0601', name: '邻里纠纷', nameEn: 'Neighbour dispute', ...S, tier: 'grid' },
      { code: '0602', name: '婚姻家庭纠纷', nameEn: 'Family dispute', ...C, tier: 'community' },
      { code: '0603', name: '物业纠纷', nameEn: 'Dispute with property management', ...C, tier: 'community' },
      { code: '0604', name: '劳资纠纷', nameEn: 'Wage dispute', ...C, tier: 'department', unit: '人力资源和社会保障局' },
    ],
  },
  {
    top: { code: '07', name: '安全隐患', nameEn: 'Safety hazards' },
    children: [
      { code: '0701', name: '消防通道堵塞', nameEn: 'Blocked fire lane', ...S, tier: 'grid' },
      {
        code: '0702', name: '电动车违规充电', nameEn: 'E-bike charged indoors', ...S, tier: 'grid',
        attributes: [
          {
            code: 'place', datatype: 'singlevaluelist', required: true, order: 1, description: '充电位置',
            values: [
              { key: 'corridor', name: '楼道' },
              { key: 'elevator', name: '电梯' },
              { key: 'home', name: '室内' },
              { key: 'other', name: '其他' },
            ],
          },
        ],
      },
      { code: '0703', name: '高空坠物隐患', nameEn: 'Risk of falling objects', ...S, tier: 'community' },
      { code: '0704', name: '燃气安全隐患', nameEn: 'Gas safety hazard', ...S, tier: 'department', unit: '燃气公司' },
    ],
  },
  {
    top: { code: '08', name: '民生服务', nameEn: 'Livelihood services' },
    children: [
      { code: '0801', name: '供暖问题', nameEn: 'Heating', ...C, tier: 'department', unit: '热力公司' },
      { code: '0802', name: '停水停电', nameEn: 'Water or power cut', ...S, tier: 'department', unit: '供水公司' },
      { code: '0803', name: '社保医保咨询', nameEn: 'Social insurance question', ...S, tier: 'community' },
      { code: '0804', name: '证明事项办理', nameEn: 'Certificates', ...S, tier: 'community' },
    ],
  },
  {
    top: { code: '09', name: '特殊人群关爱', nameEn: 'Care for special groups' },
    children: [
      { code: '0901', name: '独居老人关爱', nameEn: 'Elderly living alone', ...S, tier: 'grid' },
      { code: '0902', name: '困境儿童帮扶', nameEn: 'Children in difficulty', ...C, tier: 'community' },
      { code: '0903', name: '残疾人帮扶', nameEn: 'People with disabilities', ...C, tier: 'community' },
    ],
  },
];

/** Limits by complexity, as the seeds give them. */
export const LIMITS = {
  simple: { respondValue: null, respondUnit: null, resolveValue: 24, resolveUnit: 'hour' },
  complex: { respondValue: 3, respondUnit: 'workday', resolveValue: 15, resolveUnit: 'workday' },
} as const;
