/**
 * The closed loop as one table: which action moves a ticket from which states to which, and
 * which relation to the ticket the actor must have. The service consults only this table, so a
 * transition that is not here cannot happen, and the tests walk the table itself.
 */
export const STATUSES = ['reported', 'accepted', 'refused', 'dispatched', 'in_progress', 'handled', 'verified', 'closed', 'merged'] as const;
export type Status = (typeof STATUSES)[number];

export const TICKET_ACTIONS = [
  'accept',
  'refuse',
  'dispatch',
  'redispatch',
  'return',
  'start',
  'handle',
  'verify',
  'reject_verification',
  'rate',
  'close',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'merge',
  'escalate',
  'assign_leader',
  'supervise',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/**
 * How the actor stands to the ticket. dispatcher: staff whose area holds the ticket (and the
 * grid worker of its grid, who may accept matters in the grid); assignee: whoever staffs the
 * handling unit now (or staff above it acting for it); verifier: the ticket grid's worker or
 * community staff above; reporter: the resident who reported it; supervisor: street, district
 * or city staff over it; system: the durable timers and external exchanges.
 */
export const RELATIONS = ['dispatcher', 'assignee', 'verifier', 'reporter', 'supervisor', 'system'] as const;
export type Relation = (typeof RELATIONS)[number];

export const OPEN_STATUSES: readonly Status[] = ['reported', 'accepted', 'dispatched', 'in_progress', 'handled', 'verified'];
export const TERMINAL_STATUSES: readonly Status[] = ['refused', 'closed', 'merged'];
/** States in which a handling unit holds the ticket and its clock runs. */
export const RUNNING_STATUSES: readonly Status[] = ['dispatched', 'in_progress'];

export interface Transition {
  from: readonly Status[];
  /** Target state; 'same' keeps the state (flags, assignment or notices change). */
  to: Status | 'same';
  /** Other targets the service may choose (e.g. rate: closed, or dispatched when reopened). */
  alt?: readonly Status[];
  who: readonly Relation[];
  label: { zh: string; en: string };
}

const ALL_OPEN_BUT_REPORTED: readonly Status[] = ['accepted', 'dispatched', 'in_progress', 'handled', 'verified'];

export const TRANSITIONS: Record<TicketAction, Transition> = {
  accept: { from: ['reported'], to: 'accepted', who: ['dispatcher', 'system'], label: { zh: '受理', en: 'Accept' } },
  refuse: { from: ['reported'], to: 'refused', who: ['dispatcher'], label: { zh: '不予受理', en: 'Refuse' } },
  dispatch: { from: ['accepted'], to: 'dispatched', who: ['dispatcher', 'system'], label: { zh: '派单', en: 'Dispatch' } },
  redispatch: { from: ['dispatched', 'in_progress'], to: 'dispatched', who: ['dispatcher'], label: { zh: '改派', en: 'Re-dispatch' } },
  return: { from: ['dispatched', 'in_progress'], to: 'accepted', who: ['assignee'], label: { zh: '退单', en: 'Return' } },
  start: { from: ['dispatched'], to: 'in_progress', who: ['assignee'], label: { zh: '响应', en: 'Start' } },
  // Handling straight from "dispatched" counts as the response too: one tap fewer on a phone.
  handle: { from: ['dispatched', 'in_progress'], to: 'handled', who: ['assignee'], label: { zh: '办结', en: 'Mark handled' } },
  verify: { from: ['handled'], to: 'verified', alt: ['closed'], who: ['verifier', 'system'], label: { zh: '核查通过', en: 'Verify' } },
  reject_verification: { from: ['handled'], to: 'in_progress', who: ['verifier'], label: { zh: '核查不通过', en: 'Fail verification' } },
  rate: { from: ['verified'], to: 'closed', alt: ['dispatched'], who: ['reporter', 'system'], label: { zh: '评价', en: 'Rate' } },
  close: { from: ['verified'], to: 'closed', who: ['dispatcher', 'system'], label: { zh: '结案', en: 'Close' } },
  request_extension: { from: ['dispatched', 'in_progress'], to: 'same', who: ['assignee'], label: { zh: '申请延期', en: 'Request extension' } },
  approve_extension: { from: ['dispatched', 'in_progress'], to: 'same', who: ['dispatcher'], label: { zh: '批准延期', en: 'Approve extension' } },
  reject_extension: { from: ['dispatched', 'in_progress'], to: 'same', who: ['dispatcher'], label: { zh: '驳回延期', en: 'Reject extension' } },
  merge: { from: ['reported', 'accepted', 'dispatched', 'in_progress'], to: 'merged', who: ['dispatcher'], label: { zh: '并单', en: 'Merge' } },
  escalate: { from: ['accepted', 'dispatched', 'in_progress'], to: 'dispatched', who: ['assignee', 'dispatcher', 'system'], label: { zh: '提级', en: 'Escalate' } },
  assign_leader: { from: ALL_OPEN_BUT_REPORTED, to: 'same', who: ['supervisor'], label: { zh: '提级包案', en: 'Assign a leader' } },
  supervise: { from: ALL_OPEN_BUT_REPORTED, to: 'same', who: ['supervisor', 'system'], label: { zh: '督办', en: 'Supervise' } },
};

export const STATUS_LABEL: Record<Status, { zh: string; en: string }> = {
  reported: { zh: '待受理', en: 'Reported' },
  accepted: { zh: '已受理待派单', en: 'Accepted' },
  refused: { zh: '不予受理', en: 'Refused' },
  dispatched: { zh: '已派单待响应', en: 'Dispatched' },
  in_progress: { zh: '处置中', en: 'In progress' },
  handled: { zh: '已办结待核查', en: 'Handled' },
  verified: { zh: '已核查待评价', en: 'Verified' },
  closed: { zh: '已结案', en: 'Closed' },
  merged: { zh: '已并单', en: 'Merged' },
};

/** Is `action` legal from `status` for someone standing in `relations` to the ticket? */
export function check(action: TicketAction, status: Status, relations: ReadonlySet<Relation>): 'ok' | 'bad_state' | 'not_yours' {
  const t = TRANSITIONS[action];
  if (!t.from.includes(status)) return 'bad_state';
  if (!t.who.some((r) => relations.has(r))) return 'not_yours';
  return 'ok';
}

/** The actions an actor may take now, for the buttons a screen shows. */
export function availableActions(status: Status, relations: ReadonlySet<Relation>): TicketAction[] {
  return TICKET_ACTIONS.filter((a) => check(a, status, relations) === 'ok');
}

// ---- tiers ----------------------------------------------------------------------------------

export const TIERS = ['grid', 'community', 'street', 'district', 'department'] as const;
export type Tier = (typeof TIERS)[number];
/** Region path length of each tier's unit (a department sits at a region of its own). */
export const TIER_PATH_LENGTH: Record<Exclude<Tier, 'department'>, number> = { grid: 15, community: 12, street: 9, district: 6 };
export const TIER_LABEL: Record<Tier, { zh: string; en: string }> = {
  grid: { zh: '网格', en: 'Grid' },
  community: { zh: '社区', en: 'Community' },
  street: { zh: '街道', en: 'Street' },
  district: { zh: '区县', en: 'District' },
  department: { zh: '职能部门', en: 'Department' },
};

/** One tier up: grid → community → street → district; a department's matter goes to the district. */
export function tierAbove(tier: Tier): Exclude<Tier, 'department' | 'grid'> | null {
  switch (tier) {
    case 'grid':
      return 'community';
    case 'community':
      return 'street';
    case 'street':
    case 'department':
      return 'district';
    case 'district':
      return null;
  }
}

/** The key a handling unit's inbox and stats use. */
export function unitKey(tier: Tier, path: string, dept: string | null): string {
  return tier === 'department' ? `dept:${dept}@${path}` : `${tier}:${path}`;
}
