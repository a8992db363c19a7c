/** A repo on the hub: its kind and its `owner/name`. */
export interface HubRepo {
  readonly type: 'model' | 'dataset';
  readonly id: string;
}

/**
 * `owner/name` as the hub spells repo ids: letters, digits, `-`, `_` and `.`, neither part
 * starting with `.` or `-`, no `--` or `..` (the cache folder joins the parts with `--`).
 */
const REPO_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}$/;

/** True when `value` has the form of a hub repo id (it may still be a local path). */
export function looksLikeRepoId(value: string): boolean {
  return REPO_ID.test(value) && !value.includes('--') && !value.includes('..') && !/[.-]$/.test(value);
}

/** The repo's folder in the cache, as `huggingface_hub` names it: `models--owner--name`, `datasets--owner--name`. */
export function repoFolderName(repo: HubRepo): string {
  return [`${repo.type}s`, ...repo.id.split('/')].join('--');
}

/** What a person calls the repo in a message: `routellm/mf_gpt4_augmented`, `dataset lmsys/...`. */
export function describeRepo(repo: HubRepo): string {
  return repo.type === 'dataset' ? `dataset ${repo.id}` : repo.id;
}

/** The repo's page and URL prefix on the hub: `{endpoint}/owner/name`, `{endpoint}/datasets/owner/name`. */
export function repoUrl(endpoint: string, repo: HubRepo): string {
  return `${endpoint}/${repo.type === 'dataset' ? 'datasets/' : ''}${repo.id}`;
}

/** `{endpoint}/[datasets/]{repo}/resolve/{revision}/{file}`, quoted as `hf_hub_url` quotes them. */
export function resolveUrl(endpoint: string, repo: HubRepo, revision: string, file: string): string {
  return `${repoUrl(endpoint, repo)}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** `{endpoint}/api/{models|datasets}/{repo}/revision/{revision}`: the commit and the file list at a revision. */
export function revisionInfoUrl(endpoint: string, repo: HubRepo, revision: string): string {
  return `${endpoint}/api/${repo.type}s/${repo.id}/revision/${encodeURIComponent(revision)}`;
}

/** A full commit hash: a revision that never moves, so a cached snapshot of it is final. */
export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}
