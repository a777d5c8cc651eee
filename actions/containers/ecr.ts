/**
 * ECR: the caller's registry and a short-lived password (masked before anything can print it), and a
 * repository created the safe way when asked: immutable tags, scan on push, KMS encryption and a
 * lifecycle policy.
 */
import * as core from '@actions/core';
import {
  BatchGetImageCommand, CreateRepositoryCommand, DeleteRepositoryCommand, DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand, PutLifecyclePolicyCommand,
  RepositoryNotFoundException, type ImageTagMutability,
} from '@aws-sdk/client-ecr';
import { awsClient } from '../../common/aws.js';
import { errorMessage, InputError } from '../../common/errors.js';
import { maskBasicAuth, maskSecret } from '../lib/secrets.js';
import type { RegistryCredentials } from './registry-auth.js';

export function ecrClient(region: string): ECRClient {
  return awsClient(ECRClient, { region });
}

/** The registry host and credentials for `accountId` (the caller's account when absent). */
export async function ecrLogin(client: ECRClient, accountId: string | undefined, signal?: AbortSignal): Promise<RegistryCredentials> {
  const res = await client.send(new GetAuthorizationTokenCommand(accountId ? { registryIds: [accountId] } : {}), { abortSignal: signal });
  const data = res.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR GetAuthorizationToken returned no authorization data.');
  // Mask before decoding anything: the token is base64 of AWS:<password>, the Basic credential itself.
  maskSecret(data.authorizationToken);
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new Error('ECR authorization token is not in user:password form.');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  maskBasicAuth(username, password);
  return { registry: new URL(data.proxyEndpoint).host, username, password };
}

export interface RepositorySpec {
  name: string;
  accountId?: string;
  create: boolean;
  lifecyclePolicy: string;
  kmsKey?: string;
}

export interface RepositoryInfo {
  uri: string;
  mutability: ImageTagMutability | string;
  created: boolean;
}

export async function ensureRepository(client: ECRClient, spec: RepositorySpec, signal?: AbortSignal): Promise<RepositoryInfo> {
  try {
    const res = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [spec.name], registryId: spec.accountId }), { abortSignal: signal });
    const repo = res.repositories?.[0];
    return { uri: repo?.repositoryUri ?? '', mutability: repo?.imageTagMutability ?? 'MUTABLE', created: false };
  } catch (err) {
    if (!(err instanceof RepositoryNotFoundException) && (err as { name?: string }).name !== 'RepositoryNotFoundException') throw err;
    if (!spec.create) throw new InputError(`ECR repository "${spec.name}" does not exist; create it, or set create-repository: true.`);
  }
  let created;
  try {
    created = await client.send(new CreateRepositoryCommand({
    repositoryName: spec.name,
    registryId: spec.accountId,
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: spec.kmsKey ? { encryptionType: 'KMS', kmsKey: spec.kmsKey } : { encryptionType: 'KMS' },
    tags: [{ Key: 'managed-by', Value: 'mesh-actions/build-scan-push' }],
    }), { abortSignal: signal });
  } catch (err) {
    // Another job created it between our describe and create: use theirs, leave its settings alone.
    if ((err as { name?: string }).name === 'RepositoryAlreadyExistsException') return ensureRepository(client, { ...spec, create: false }, signal);
    throw err;
  }
  try {
    await client.send(new PutLifecyclePolicyCommand({ repositoryName: spec.name, registryId: spec.accountId, lifecyclePolicyText: spec.lifecyclePolicy }), { abortSignal: signal });
  } catch (err) {
    // A repository left without its policy would be found next time and never get one: remove
    // the empty repository we just made, so the next run creates it whole.
    const undo = await client.send(new DeleteRepositoryCommand({ repositoryName: spec.name, registryId: spec.accountId })).then(
      () => `the new repository was deleted again`,
      (e: unknown) => `deleting the new repository failed too (${errorMessage(e)}): delete it before the next run`,
    );
    throw new Error(`Setting the lifecycle policy of ECR repository "${spec.name}" failed (${errorMessage(err)}); ${undo}. Nothing was pushed.`);
  }
  core.info(`Created ECR repository ${spec.name}: immutable tags, scan on push, KMS encryption, lifecycle policy.`);
  return { uri: created.repository?.repositoryUri ?? '', mutability: 'IMMUTABLE', created: true };
}

/** Which of `tags` already exist in the repository, and the digest each holds. */
export async function existingTagDigests(client: ECRClient, repository: string, accountId: string | undefined, tags: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (tags.length === 0) return found;
  const res = await client.send(new BatchGetImageCommand({
    repositoryName: repository, registryId: accountId, imageIds: tags.map((imageTag) => ({ imageTag })),
    acceptedMediaTypes: ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json'],
  }), { abortSignal: signal });
  for (const image of res.images ?? []) {
    if (image.imageId?.imageTag && image.imageId.imageDigest) found.set(image.imageId.imageTag, image.imageId.imageDigest);
  }
  return found;
}
