/** What a person starting the server needs to see: where everything is, and a generated admin password. */
export function startupBanner(base: string, admin?: { username: string; generatedPassword: string }): string {
  const lines = [
    '',
    '  Peerdex directory server is up',
    `  API        ${base}/api/v1`,
    `  API docs   ${base}/api/docs`,
    `  Admin      ${base}/admin`,
    `  Health     ${base}/health/ready`,
    `  Metrics    ${base}/metrics`,
  ];
  if (admin) {
    lines.push(
      '',
      `  Admin login  ${admin.username} / ${admin.generatedPassword}`,
      '               generated for this new installation and shown only now: sign in and change it',
    );
  }
  return [...lines, ''].join('\n') + '\n';
}
