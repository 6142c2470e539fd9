/**
 * The web app's copies of the server's ticket contracts must say the same thing. The web
 * workspace cannot import server code (it would pull Node and TypeBox into the bundle), so
 * `web/src/shared/tickets.ts` restates them; this file, type-checked by `npm run typecheck`,
 * fails the build when the two drift apart.
 */
import type { Static } from '@fastify/type-provider-typebox';
import type * as S from '../server/src/modules/tickets/contracts.js';
import type * as W from '../web/src/shared/tickets';
import type { STATUSES, TICKET_ACTIONS, TIERS } from '../server/src/modules/tickets/workflow.js';

import type { Fits, NoNull, Same, SameKeys } from './lib.js';

const same = <T extends true>(..._: T[]) => undefined;
/** What the server answers is what the web app expects, field for field. */
const response = <S, W>(..._: [Fits<S, W>, SameKeys<S, W>]) => undefined;
/** What the web app sends the server accepts, field for field (a null query value is left out of the URL). */
const request = <W, S>(..._: [Fits<NoNull<W>, S>, SameKeys<S, W>]) => undefined;

same<Same<W.TicketStatus, (typeof STATUSES)[number]>>();
same<Same<W.TicketAction, (typeof TICKET_ACTIONS)[number]>>();
same<Same<W.Tier, (typeof TIERS)[number]>>();
same<Same<W.Channel, S.Channel>>();
same<Same<W.TicketType, S.TicketType>>();
same<Same<W.Rating, S.Rating>>();
same<Same<W.DueState, S.DueState>>();
same<Same<W.MetricDimension, (typeof S.METRIC_DIMENSIONS)[number]>>();

response<S.TicketDto, W.TicketDto>(true, true);
response<S.EventDto, W.EventDto>(true, true);
response<S.DuplicateDto, W.DuplicateDto>(true, true);
response<S.TicketDetailDto, W.TicketDetailDto>(true, true);
response<Static<typeof S.CreatedTicketSchema>, W.CreatedTicketDto>(true, true);
response<Static<typeof S.NoticeSchema>, W.NoticeDto>(true, true);
response<Static<typeof S.InboxSchema>, W.InboxDto>(true, true);
response<S.CategoryDto, W.CategoryDto>(true, true);
response<S.DispatchRuleDto, W.DispatchRuleDto>(true, true);
response<Static<typeof S.TargetOptionSchema>, W.TargetOption>(true, true);
response<Static<typeof S.MetricsRowSchema>, W.MetricsRow>(true, true);
response<Static<typeof S.MetricsSchema>, W.MetricsDto>(true, true);
response<Static<typeof S.CalendarSchema>, W.CalendarDto>(true, true);

request<W.CreateTicketBody, S.CreateTicketBody>(true, true);
request<W.Target, S.Target>(true, true);
request<W.ActionBody, S.ActionBody>(true, true);
request<W.TicketListQuery, S.TicketListQuery>(true, true);
request<W.UpdateCategoryBody, S.UpdateCategoryBody>(true, true);
request<W.CreateDispatchRuleBody, S.CreateDispatchRuleBody>(true, true);
request<W.MetricsQuery, Static<typeof S.MetricsQuery>>(true, true);
