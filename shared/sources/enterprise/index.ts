/** The Docker Enterprise Data API as a source of the lake. */
export { EnterpriseSource } from './enterprise-source.js';
