const PROBLEM_TYPES: Record<number, [string, string]> = {
  400: ['validation-error', 'Validation Error'],
  401: ['authentication-error', 'Authentication Error'],
  403: ['permission-denied', 'Permission Denied'],
  404: ['not-found', 'Not Found'],
  429: ['too-many-requests', 'Too Many Requests'],
};

/** RFC 7807 problem details, with the error type URLs IX-API uses. */
export function problem(status: number, detail: string): Record<string, unknown> {
  const [slug, title] = PROBLEM_TYPES[status] ?? (status >= 500 ? ['server-error', 'Server Error'] : ['error', 'Error']);
  return { type: `https://errors.ix-api.net/v2/${slug}.html`, title, status, detail };
}
