/**
 * The web app's copies of the people contracts (`web/src/shared/registry.ts`) against the
 * server's TypeBox schemas where the server has them; see tickets.check.ts.
 */
import type { Static } from '@fastify/type-provider-typebox';
import type * as P from '../server/src/modules/people/contracts.js';
import type * as W from '../web/src/shared/registry';
import type { Fits, NoNull, SameKeys } from './lib.js';

const response = <S, Web>(..._: [Fits<S, Web>, SameKeys<S, Web>]) => undefined;
const request = <Web, S>(..._: [Fits<NoNull<Web>, S>, SameKeys<S, Web>]) => undefined;
const fits = <A, B>(..._: [Fits<A, B>]) => undefined;

response<Static<typeof P.PersonSchema>, W.Person>(true, true);

request<W.PeopleQuery, Static<typeof P.PeopleQuery>>(true, true);
request<W.MoveInBody, Static<typeof P.MoveInBody>>(true, true);
request<W.LeaveBody, Static<typeof P.LeaveBody>>(true, true);
request<W.HouseholdPatch, Static<typeof P.UpdateHouseholdBody>>(true, true);
// One form serves create and edit; sex and birth date are left to the server (read from the ID).
fits<W.PersonInput, Omit<Static<typeof P.UpdatePersonBody>, 'expectedVersion'>>(true);
