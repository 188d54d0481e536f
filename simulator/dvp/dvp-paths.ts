/** Where the DVP Data API lives on the Hub's server, as on hub.docker.com. */
export const DVP_BASE_PATH = '/api/publisher/analytics/v1';
/** Hub's login, the DVP spec's way to get a JWT (deprecated by Hub in favour of `/v2/auth/token`). */
export const LOGIN_PATH = '/v2/users/login';
