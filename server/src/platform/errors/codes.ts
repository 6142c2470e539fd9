/**
 * Every error the API can return, with a stable code, HTTP status and user-facing text.
 * Codes are part of the public contract: add new ones, never rename. Listed in docs/errors.md.
 */
export interface ErrorDef {
  status: number;
  zh: string;
  en: string;
}

export const ERRORS = {
  'request.invalid': { status: 400, zh: '请求参数有误', en: 'The request is invalid' },
  'request.malformed_body': { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  'request.body_too_large': { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  'request.unsupported_media_type': { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  'request.not_found': { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  'auth.required': { status: 401, zh: '请先登录', en: 'Please sign in' },
  'auth.invalid_credentials': { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  'auth.account_locked': { status: 401, zh: '密码错误次数过多，账号已临时锁定，请稍后再试', en: 'Too many failed attempts; the account is locked for a while' },
  'auth.account_disabled': { status: 401, zh: '账号已停用', en: 'This account is disabled' },
  'auth.throttled': { status: 429, zh: '登录尝试过于频繁，请稍后再试', en: 'Too many sign-in attempts; try again later' },
  'auth.wrong_password': { status: 400, zh: '当前密码不正确', en: 'The current password is wrong' },
  'auth.weak_password': { status: 400, zh: '新密码太弱：至少 8 位，且包含字母和数字', en: 'The new password is too weak: at least 8 characters with letters and digits' },
  'auth.forbidden': { status: 403, zh: '您的角色无权进行此操作', en: 'Your role may not do this' },
  'scope.forbidden': { status: 403, zh: '超出您的管辖范围', en: 'This is outside your area of responsibility' },
  'region.invalid_code': { status: 400, zh: '区划代码格式不正确', en: 'Malformed region code' },
  'region.not_found': { status: 404, zh: '区划或网格不存在', en: 'No such region or grid' },
  'region.bad_parent': { status: 400, zh: '上级区划不能包含该层级', en: 'The parent cannot hold a node of this level' },
  'region.code_exhausted': { status: 409, zh: '该上级下的编码已用完', en: 'No codes left under this parent' },
  'region.geometry_invalid': { status: 400, zh: '边界数据不合法', en: 'Invalid boundary geometry' },
  'region.city_unknown': { status: 404, zh: '区划库中没有该城市代码', en: 'No such city code in the division data' },
  'geo.outside': { status: 404, zh: '该位置不在任何网格内', en: 'The point is outside every grid' },
  'user.not_found': { status: 404, zh: '用户不存在', en: 'No such user' },
  'user.username_taken': { status: 409, zh: '用户名已被使用', en: 'The username is taken' },
  'user.scope_level_mismatch': { status: 400, zh: '该角色的管辖范围层级不匹配', en: 'The scope level does not fit the role' },
  'user.role_not_grantable': { status: 403, zh: '不能授予高于自己的角色', en: 'You cannot grant a role above your own' },
  'user.outranks_you': { status: 403, zh: '不能管理级别高于自己的用户', en: 'You cannot manage a user who ranks above you' },
  'house.not_found': { status: 404, zh: '房屋不存在', en: 'No such house' },
  'house.duplicate': { status: 409, zh: '该房屋已登记', en: 'This house is already registered' },
  'house.building_not_found': { status: 404, zh: '楼栋不存在', en: 'No such building' },
  'person.not_found': { status: 404, zh: '人员不存在', en: 'No such person' },
  'person.duplicate': { status: 409, zh: '该身份证号已登记', en: 'This ID number is already registered' },
  'person.version_conflict': { status: 409, zh: '该记录已被他人修改，请刷新后重试', en: 'The record was changed by someone else; reload and retry' },
  'person.not_active': { status: 409, zh: '该人员已迁出或死亡', en: 'The person has moved out or died' },
  'household.not_found': { status: 404, zh: '户不存在', en: 'No such household' },
  // Organisations, sites, party organisations (registries)
  'org.not_found': { status: 404, zh: '组织不存在', en: 'No such organisation' },
  'org.credit_code_invalid': { status: 400, zh: '统一社会信用代码不正确', en: 'Invalid unified social credit code' },
  'org.credit_code_taken': { status: 409, zh: '该统一社会信用代码已登记', en: 'This credit code is already registered' },
  'org.version_conflict': { status: 409, zh: '该组织已被他人修改，请刷新后重试', en: 'The organisation was changed by someone else; reload and retry' },
  'site.not_found': { status: 404, zh: '园区或楼宇不存在', en: 'No such park or building' },
  'party.org_not_found': { status: 404, zh: '党组织不存在', en: 'No such party organisation' },
  'party.bad_parent': { status: 400, zh: '上级党组织不符合组织层级', en: 'The parent party organisation does not fit this level' },
  'party.member_not_found': { status: 404, zh: '党员不存在', en: 'No such party member' },
  'party.member_exists': { status: 409, zh: '该人员已登记为党员', en: 'This person is already registered as a party member' },
  // Imports from departments and the conflict queue
  'import.file_required': { status: 400, zh: '请上传要导入的文件', en: 'Upload a file to import' },
  'import.unsupported_file': { status: 400, zh: '仅支持 .csv 和 .xlsx 文件', en: 'Only .csv and .xlsx files can be imported' },
  'import.unreadable_file': { status: 400, zh: '无法读取该文件', en: 'The file cannot be read' },
  'import.bad_mapping': { status: 400, zh: '列的对应关系有误', en: 'The column mapping is invalid' },
  'import.not_found': { status: 404, zh: '导入记录不存在', en: 'No such import' },
  'import.mapping_not_found': { status: 404, zh: '导入模板不存在', en: 'No such import template' },
  'import.mapping_exists': { status: 409, zh: '该部门已有同名的导入模板', en: 'The department already has a template with this name' },
  'conflict.not_found': { status: 404, zh: '冲突记录不存在', en: 'No such conflict' },
  'conflict.already_resolved': { status: 409, zh: '该冲突已处理', en: 'The conflict has already been resolved' },
  // Uploaded photos
  'upload.file_required': { status: 400, zh: '请选择要上传的照片', en: 'Choose a photo to upload' },
  'upload.unsupported_type': { status: 415, zh: '不支持的文件类型，仅支持 JPEG、PNG 和 WebP 照片', en: 'Unsupported file type; only JPEG, PNG and WebP photos are accepted' },
  'upload.invalid_image': { status: 400, zh: '照片文件已损坏或无法处理', en: 'The photo is damaged or cannot be processed' },
  'upload.too_large': { status: 413, zh: '文件过大', en: 'The file is too large' },
  'upload.rate_limited': { status: 429, zh: '上传过于频繁，请稍后再试', en: 'Too many uploads; try again later' },
  'upload.not_found': { status: 404, zh: '文件不存在', en: 'No such upload' },
  'ticket.not_found': { status: 404, zh: '工单不存在', en: 'No such ticket' },
  'ticket.stale': { status: 409, zh: '工单已被他人处理，请刷新后再试', en: 'Someone acted on this ticket meanwhile; reload and try again' },
  'ticket.illegal_transition': { status: 409, zh: '当前状态下不能进行此操作', en: 'This step is not possible in the ticket\'s current state' },
  'ticket.not_your_step': { status: 403, zh: '您不能对该工单进行此操作', en: 'You may not take this step on this ticket' },
  'ticket.extension_pending': { status: 409, zh: '已有延期申请待审批', en: 'An extension request is already waiting' },
  'ticket.no_extension_pending': { status: 409, zh: '没有待审批的延期申请', en: 'There is no extension request to decide' },
  'ticket.cannot_escalate': { status: 409, zh: '已在最高层级，不能再提级', en: 'The ticket is already at the highest tier' },
  'ticket.category_not_found': { status: 404, zh: '问题分类不存在', en: 'No such category' },
  'ticket.rule_not_found': { status: 404, zh: '派单规则不存在', en: 'No such dispatch rule' },
  // Idempotent intake (Idempotency-Key)
  'idempotency.in_flight': { status: 409, zh: '相同 Idempotency-Key 的请求正在处理，请稍后重试', en: 'A request with this Idempotency-Key is still being processed; retry shortly' },
  'idempotency.key_reused': { status: 422, zh: '该 Idempotency-Key 已用于内容不同的请求', en: 'This Idempotency-Key was used for a different request' },
  // 12345 hotline exchange and webhooks
  'hotline.invalid_feed': { status: 400, zh: '热线工单数据格式不正确', en: 'The hotline feed is malformed' },
  'webhook.not_found': { status: 404, zh: '推送地址不存在', en: 'No such webhook endpoint' },
  'webhook.delivery_not_found': { status: 404, zh: '推送记录不存在', en: 'No such webhook delivery' },
  // Open311 GeoReport v2 (/open311/v2: rendered as the specification's error list, not as problems)
  'open311.api_key_invalid': { status: 403, zh: 'api_key 缺失、无效或已吊销', en: 'The api_key is missing, unknown or revoked' },
  'open311.outside_region': { status: 403, zh: '该位置不在此 api_key 可上报的区域内', en: 'The location is outside the region of this api_key' },
  'open311.service_not_found': { status: 404, zh: '没有这个服务（service_code）', en: 'No such service (service_code)' },
  'open311.request_not_found': { status: 404, zh: '没有这个服务请求', en: 'No such service request' },
  'open311.key_not_found': { status: 404, zh: 'Open311 接入密钥不存在', en: 'No such Open311 API key' },
  'internal': { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;
