/** The tool's name and version, recorded in every manifest. Kept in step with package.json by a test. */
export const TOOL = { name: 'docker-reports-lake', version: '0.1.0' } as const;
