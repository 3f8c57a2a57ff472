/**
 * Response validation: every answer the HTTP tests get is checked against the app's own
 * OpenAPI document (the one GET /openapi.json serves), so a route, a status or a body shape
 * that drifts from the contract fails the test that met it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { AppConfig } from '../../src/config/schema/index.js';
import { registeredRoutes } from '../../src/http/buildServer.js';
import { buildOpenApi } from '../../src/openapi/buildOpenApi.js';
import type { StartedApp } from '../../src/runtime/startApp.js';

type Schema = Record<string, any>;

/** Checks answers of one started app against its OpenAPI document. */
export class ContractChecker {
  private readonly doc: Schema;
  private readonly ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { path: string; regex: RegExp; params: number }[];

  constructor(model: AppConfig, started: StartedApp) {
    this.doc = buildOpenApi(model, registeredRoutes(started.app));
    this.templates = Object.keys(this.doc.paths)
      .map((path) => ({
        path,
        regex: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (path.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** Throws when the answer to `method url` is not one the document allows. */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
    const m = method.toLowerCase();
    if (m === 'head' || m === 'options') return;
    const path = url.split('?')[0]!;
    const template = this.templates.find((t) => t.regex.test(path) && this.doc.paths[t.path][m] !== undefined);
    if (template === undefined) {
      // the router's own 404/405 for a path no route has: still the error envelope
      if (status === 404 || status === 405)
        return this.validate(`${status} unrouted`, this.doc.components.schemas.Error, body, `${method} ${url}`);
      throw new Error(`contract: ${method} ${path} answered ${status}, and the OpenAPI document has no such operation`);
    }
    const op = this.doc.paths[template.path][m];
    const response = op.responses[String(status)] ?? op.responses.default;
    if (response === undefined)
      throw new Error(`contract: ${method} ${template.path} answered ${status}, which the OpenAPI document does not list`);
    const schema = response.content?.['application/json']?.schema;
    if (schema === undefined || !(contentType ?? '').includes('json')) return;
    this.validate(`${m} ${template.path} ${status}`, schema, body, `${method} ${url} → ${status}`);
  }

  private validate(key: string, schema: Schema, body: unknown, what: string): void {
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile({ ...schema, components: this.doc.components });
      this.validators.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(
        `contract: ${what} does not match the OpenAPI document: ${this.ajv.errorsText(validate.errors)}\nbody: ${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  }
}
