import type { FieldErrorSpec } from '../errors/index.js';

/** The subset of an Ajv error object we read. */
export interface AjvLikeError {
  instancePath?: string;
  keyword: string;
  params?: Record<string, unknown>;
  message?: string;
}

function dotted(instancePath: string | undefined): string {
  return (instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(a: string, b: string): string {
  return a ? `${a}.${b}` : b;
}

/** Turn schema-validation errors into named fields with a rule and a bilingual message. */
export function fieldErrorsFromAjv(errors: AjvLikeError[], context?: string): FieldErrorSpec[] {
  const out: FieldErrorSpec[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const base = dotted(e.instancePath);
    const p = e.params ?? {};
    let spec: FieldErrorSpec;
    switch (e.keyword) {
      case 'required':
        spec = { field: join(base, String(p.missingProperty)), rule: 'required', message: { zh: '必填', en: 'is required' } };
        break;
      case 'additionalProperties':
        spec = {
          field: join(base, String(p.additionalProperty)),
          rule: 'unknown_field',
          message: { zh: '不允许的字段', en: 'is not an allowed field' },
        };
        break;
      case 'type':
        spec = { field: base || context || '', rule: 'type', message: { zh: `类型应为 ${p.type}`, en: `must be of type ${p.type}` } };
        break;
      case 'pattern':
      case 'format':
        spec = { field: base, rule: 'format', message: { zh: '格式不正确', en: 'has the wrong format' } };
        break;
      case 'minLength':
        spec = { field: base, rule: 'min_length', message: { zh: `至少 ${p.limit} 个字符`, en: `must have at least ${p.limit} characters` } };
        break;
      case 'maxLength':
        spec = { field: base, rule: 'max_length', message: { zh: `最多 ${p.limit} 个字符`, en: `must have at most ${p.limit} characters` } };
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        spec = { field: base, rule: 'minimum', message: { zh: `不能小于 ${p.limit}`, en: `must be ≥ ${p.limit}` } };
        break;
      case 'maximum':
      case 'exclusiveMaximum':
        spec = { field: base, rule: 'maximum', message: { zh: `不能大于 ${p.limit}`, en: `must be ≤ ${p.limit}` } };
        break;
      case 'enum':
      case 'const':
      case 'anyOf':
      case 'oneOf': {
        const allowed = Array.isArray(p.allowedValues) ? (p.allowedValues as unknown[]).join(' / ') : '';
        spec = {
          field: base,
          rule: 'enum',
          message: allowed ? { zh: `取值应为 ${allowed}`, en: `must be one of ${allowed}` } : { zh: '取值不在允许范围内', en: 'is not an allowed value' },
        };
        break;
      }
      case 'minProperties':
        spec = { field: base || context || 'body', rule: 'min_properties', message: { zh: '至少需要提供一个字段', en: 'must contain at least one field' } };
        break;
      case 'minItems':
        spec = { field: base, rule: 'min_items', message: { zh: `至少 ${p.limit} 项`, en: `must have at least ${p.limit} items` } };
        break;
      case 'maxItems':
        spec = { field: base, rule: 'max_items', message: { zh: `最多 ${p.limit} 项`, en: `must have at most ${p.limit} items` } };
        break;
      default:
        spec = { field: base, rule: e.keyword, message: e.message ?? 'invalid' };
    }
    if (!spec.field && context) spec.field = context;
    const key = `${spec.field}|${spec.rule}`;
    // anyOf/enum produce many sub-errors for one field; keep the first of each kind.
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(spec);
  }
  return out;
}
