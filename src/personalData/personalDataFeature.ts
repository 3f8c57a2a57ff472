/** The personal-data feature: `DELETE /subjects/{id}` forgets a data subject (issue 16). */
import type { Feature } from '../runtime/Feature.js';
import { followForgets } from './forgetEvictions.js';
import { forgetSubject } from './forgetSubject.js';
import { personalDataOf } from './withPersonalData.js';

export const personalDataFeature: Feature = {
  name: 'personal-data',
  // the other processes' forgets must reach this one's cached states
  install: (runtime) => {
    const personal = personalDataOf(runtime.store);
    return personal === undefined ? undefined : followForgets(runtime, personal);
  },
  routes: (app, runtime) => {
    // behind server.auth like every route; answers what was destroyed, 404 for an unknown subject
    app.delete<{ Params: { id: string } }>('/subjects/:id', async (request) => forgetSubject(runtime, request.params.id));
  },
};
