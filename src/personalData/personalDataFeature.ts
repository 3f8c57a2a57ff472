/** The personal-data feature: `DELETE /subjects/{id}` forgets a data subject (issue 16). */
import type { Feature } from '../runtime/Feature.js';
import { forgetSubject } from './forgetSubject.js';

export const personalDataFeature: Feature = {
  name: 'personal-data',
  routes: (app, runtime) => {
    // behind server.auth like every route; answers what was destroyed, 404 for an unknown subject
    app.delete<{ Params: { id: string } }>('/subjects/:id', async (request) => forgetSubject(runtime, request.params.id));
  },
};
