import { describe, it, expect } from 'vitest';
import { ElasticLoadBalancingV2Client, CreateLoadBalancerCommand, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { useMoto } from './use-moto.js';
import { awsClient } from '../../common/aws.js';

const moto = useMoto();

describe('moto server helper', () => {
  it('serves the SDK through AWS_ENDPOINT_URL, and reset empties it', async () => {
    const ec2 = awsClient(EC2Client, { region: 'eu-central-1' });
    const elb = awsClient(ElasticLoadBalancingV2Client, { region: 'eu-central-1' });
    const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    await elb.send(new CreateLoadBalancerCommand({ Name: 'probe', Subnets: subnets.slice(0, 2).map((s) => s.SubnetId!) }));
    expect((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers?.map((l) => l.LoadBalancerName)).toEqual(['probe']);
    await moto.current.reset();
    expect((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).toHaveLength(0);
  });
});
