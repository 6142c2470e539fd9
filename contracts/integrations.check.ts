/**
 * The web app's copies of the integration contracts (webhooks, Open311 keys, the 12345 exchange)
 * in `web/src/shared/integrations.ts` must say what the server says; see tickets.check.ts.
 */
import type { Static } from '@fastify/type-provider-typebox';
import type * as WH from '../server/src/modules/webhooks/contracts.js';
import type * as O from '../server/src/modules/open311/contracts.js';
import type * as H from '../server/src/modules/hotline/contracts.js';
import type { WEBHOOK_EVENTS } from '../server/src/modules/webhooks/events.js';
import type * as W from '../web/src/shared/integrations';
import type { Fits, NoNull, Same, SameKeys } from './lib.js';

const same = <T extends true>(..._: T[]) => undefined;
const response = <S, Web>(..._: [Fits<S, Web>, SameKeys<S, Web>]) => undefined;
const request = <Web, S>(..._: [Fits<NoNull<Web>, S>, SameKeys<S, Web>]) => undefined;

same<Same<W.WebhookEvent, (typeof WEBHOOK_EVENTS)[number]>>();
same<Same<W.DeliveryStatus, (typeof WH.DELIVERY_STATUSES)[number]>>();
same<Same<W.HotlineRowResult, Static<typeof H.RowReportSchema>['result']>>();

response<WH.EndpointDto, W.WebhookEndpoint>(true, true);
response<Static<typeof WH.EndpointWithSecretSchema>, W.WebhookEndpointWithSecret>(true, true);
response<Static<typeof WH.AttemptSchema>, W.WebhookAttempt>(true, true);
response<WH.DeliveryDto, W.WebhookDelivery>(true, true);
response<O.ApiKeyDto, W.ApiKey>(true, true);
response<O.CreatedApiKeyDto, W.CreatedApiKey>(true, true);
response<Static<typeof H.RowReportSchema>, W.HotlineRowReport>(true, true);
response<Static<typeof H.ImportReportSchema>, W.HotlineImportReport>(true, true);
response<Static<typeof H.ResultSchema>, W.HotlineResult>(true, true);
response<Static<typeof H.ResultsSchema>, W.HotlineResultsPage>(true, true);

request<W.CreateWebhookBody, WH.CreateEndpointBody>(true, true);
request<W.UpdateWebhookBody, WH.UpdateEndpointBody>(true, true);
request<W.DeliveriesQuery, Static<typeof WH.DeliveriesQuery>>(true, true);
request<W.CreateApiKeyBody, O.CreateApiKeyBody>(true, true);
request<W.HotlineResultsQuery, Static<typeof H.ResultsQuery>>(true, true);
