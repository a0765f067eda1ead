// benign: category=network max-plugin=100 max-package=79
// why: a typed REST client for an API, sending a bearer token the caller passed in.
export class ApiClient {
  constructor(baseUrl = 'https://api.example.com/v2', token = null) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.token = token;
  }

  async request(method, path, body) {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 204) return null;
    const data = await res.json();
    if (!res.ok) throw Object.assign(new Error(data.message || res.statusText), { status: res.status });
    return data;
  }

  listProjects() { return this.request('GET', '/projects'); }
  createProject(name) { return this.request('POST', '/projects', { name }); }
}
