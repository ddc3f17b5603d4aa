/**
 * App registration and the OAuth authorization code flow, as Mastodon does
 * them with Doorkeeper: POST /api/v1/apps, the consent page (simulated by
 * `authorize`, which a test calls in place of a person clicking), and
 * POST /oauth/token exchanging the code for the account's access token.
 */
import { randomBytes } from 'node:crypto';
import type { AccountRecord } from './store.ts';
import { jsonResponse, type PlainResponse } from './responses.ts';
import { stringParam, type Params } from './params.ts';

interface App {
  readonly id: string;
  readonly name: string;
  readonly website: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: string;
}

const token = () => randomBytes(32).toString('base64url');

export class OAuthApps {
  readonly #apps = new Map<string, App>();
  readonly #codes = new Map<string, { clientId: string; redirectUri: string; account: AccountRecord }>();

  /** POST /api/v1/apps (Mastodon's REST::CredentialApplicationSerializer). */
  register(params: Params): PlainResponse {
    const name = stringParam(params, 'client_name');
    const redirectUri = stringParam(params, 'redirect_uris');
    if (!name || !redirectUri) return jsonResponse(422, { error: `Validation failed: ${!name ? 'Application name' : 'Redirect URI'} can't be blank` });
    const app: App = {
      id: String(this.#apps.size + 1),
      name,
      website: stringParam(params, 'website') ?? null,
      clientId: token(),
      clientSecret: token(),
      redirectUri,
      scopes: stringParam(params, 'scopes') ?? 'read',
    };
    this.#apps.set(app.clientId, app);
    return jsonResponse(200, {
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes.split(' '),
      redirect_uri: app.redirectUri,
      redirect_uris: [app.redirectUri],
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
  }

  /** What the consent page does when the signed-in account authorises the app: a one-time code. */
  authorize(clientId: string, account: AccountRecord): string {
    const app = this.#apps.get(clientId);
    if (!app) throw new Error(`no app with client_id ${clientId}`);
    const code = token();
    this.#codes.set(code, { clientId, redirectUri: app.redirectUri, account });
    return code;
  }

  /** POST /oauth/token with grant_type=authorization_code (Doorkeeper's errors are RFC 6749 §5.2). */
  exchange(params: Params): PlainResponse {
    const app = this.#apps.get(stringParam(params, 'client_id') ?? '');
    if (!app || app.clientSecret !== stringParam(params, 'client_secret')) {
      return jsonResponse(401, {
        error: 'invalid_client',
        error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
    }
    const code = this.#codes.get(stringParam(params, 'code') ?? '');
    if (
      stringParam(params, 'grant_type') !== 'authorization_code' ||
      !code ||
      code.clientId !== app.clientId ||
      code.redirectUri !== stringParam(params, 'redirect_uri')
    ) {
      return jsonResponse(400, {
        error: 'invalid_grant',
        error_description:
          'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      });
    }
    this.#codes.delete(stringParam(params, 'code')!);
    return jsonResponse(200, { access_token: code.account.token, token_type: 'Bearer', scope: app.scopes, created_at: Math.floor(Date.now() / 1000) });
  }
}
