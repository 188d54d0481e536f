/**
 * Where an org's Organization Access Token comes from. The CLI reads the
 * environment; the Lambdas read Secrets Manager. `describe` names the place
 * in error messages so users know what to fix, without ever showing the token.
 */
export interface CredentialSource {
  oat(org: string): Promise<string>;
  describe(org: string): string;
}
