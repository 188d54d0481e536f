import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { StackConfigInput } from '../../infra/config/stack-config.js';
import { synthStack } from './synth-stack.js';

/**
 * cdk-nag 2.x reports through annotations. A finding without a suppression is
 * an error annotation (and makes synthesis fail its validation); every
 * suppression in infra/ carries its reason next to the resource.
 */
function nag(input: Partial<StackConfigInput>) {
  const { stack } = synthStack(input, { beforeSynth: (s) => Aspects.of(s).add(new AwsSolutionsChecks({ verbose: true })) });
  const annotations = Annotations.fromStack(stack);
  return {
    errors: annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    warnings: annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  };
}

describe('cdk-nag: AwsSolutions', () => {
  it.each<[string, Partial<StackConfigInput>]>([
    ['the defaults, with an alarm e-mail', { alarms: { email: 'ops@example.com' } }],
    ['SSE-S3, no access logs, a prefix', { lake: { encryption: 's3-managed', accessLogs: false, prefix: 'lake' } }],
    [
      'CORS for two origins, API Gateway\'s CloudWatch role managed elsewhere',
      { api: { corsAllowOrigins: ['https://reports.example.com', 'http://localhost:5173'], cloudWatchRole: false } },
    ],
    [
      'an existing bucket and secret',
      {
        lake: { existingBucketName: 'corp-data-lake' },
        secrets: { existing: { acme: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker/acme-AbCdEf' } },
      },
    ],
    [
      'DVP namespaces, one secret created and one imported',
      { dvp: { namespaces: ['pubco', 'other-ns'], existing: { 'other-ns': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:docker/dvp/other-AbCdEf' } } },
    ],
  ])('finds nothing unsuppressed with %s', (_label, input) => {
    // Act
    const { errors, warnings } = nag(input);

    // Assess
    const describe = (found: typeof errors) => found.map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(describe(errors)).toEqual([]);
    expect(describe(warnings)).toEqual([]);
  });
});
