// Marketplace metadata and the short-form actions, for lint-actions.mjs. The Marketplace refuses a
// release whose action.yml lacks name, description, author or branding, or whose description is 125
// characters or more; it says so only on the release page. A short form (<name>/action.yml) that
// differs from its source would fail check-dist too, but only after a full rebuild.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { generatedMetadata, metadataDiffs } from './build.mjs';

// The colours the metadata syntax accepts for branding.color.
export const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
export const DESCRIPTION_LIMIT = 125;

/** What the Marketplace would refuse in one action.yml, as messages. */
export function marketplaceProblems(meta) {
  const problems = [];
  for (const key of ['name', 'description', 'author']) {
    if (typeof meta?.[key] !== 'string' || !meta[key].trim()) problems.push(`"${key}" is required for the Marketplace`);
  }
  const length = typeof meta?.description === 'string' ? meta.description.trim().length : 0;
  if (length >= DESCRIPTION_LIMIT) problems.push(`"description" has ${length} characters; the Marketplace takes fewer than ${DESCRIPTION_LIMIT}`);
  const branding = meta?.branding;
  if (!branding || typeof branding !== 'object') {
    problems.push('"branding" (icon and color) is required for the Marketplace');
    return problems;
  }
  for (const key of Object.keys(branding)) if (key !== 'icon' && key !== 'color') problems.push(`branding: unknown key "${key}" (icon, color)`);
  if (typeof branding.icon !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(branding.icon)) {
    problems.push(`branding.icon "${branding.icon}" is not a Feather icon name (e.g. shield, git-merge)`);
  }
  if (!BRANDING_COLORS.includes(branding.color)) problems.push(`branding.color "${branding.color}" is not one of ${BRANDING_COLORS.join(', ')}`);
  return problems;
}

/** The short forms this repository has: [file, parsed metadata] for each generated <name>/action.yml present. */
export function shortForms(root) {
  return [...generatedMetadata(root).keys()]
    .filter((file) => file !== 'action.yml' && existsSync(join(root, file)))
    .map((file) => [join(root, file), YAML.parse(readFileSync(join(root, file), 'utf8'))]);
}

/** Generated metadata (root action.yml, short forms) that differs from a fresh generation. */
export function staleMetadata(root) {
  return metadataDiffs(root).map((file) => `${file}: differs from what npm run build generates (run it and commit)`);
}
