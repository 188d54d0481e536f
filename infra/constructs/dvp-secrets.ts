import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface DvpSecretsProps {
  /** One secret per DVP namespace. */
  readonly namespaces: readonly string[];
  /** Secrets the stack creates are named `{namePrefix}/dvp/{namespace}`. @default 'docker-reports' */
  readonly namePrefix?: string;
  /** Existing secrets by namespace (complete ARNs), used instead of creating them. @default {} */
  readonly existing?: Readonly<Record<string, string>>;
  /** What happens to the created secrets when the stack goes. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where each Verified Publisher namespace's Docker Hub login is kept: a
 * Secrets Manager secret per namespace holding `{"username","pat"}` (the DVP
 * Data API logs in as a user, with a personal access token), created empty
 * (the stack never holds the token; the output gives the command that puts
 * it) or imported by ARN. Apart from the orgs' secrets so that a grant can
 * name one kind without the other.
 */
export class DvpSecrets extends Construct {
  /** Secret ARN by namespace. */
  readonly arns: Readonly<Record<string, string>>;
  private readonly secrets: secretsmanager.ISecret[] = [];

  constructor(scope: Construct, id: string, props: DvpSecretsProps) {
    super(scope, id);
    const arns: Record<string, string> = {};
    const prefix = props.namePrefix ?? 'docker-reports';
    for (const namespace of props.namespaces) {
      const existing = props.existing?.[namespace];
      let secret: secretsmanager.ISecret;
      if (existing) {
        secret = secretsmanager.Secret.fromSecretCompleteArn(this, `Existing-${namespace}`, existing);
      } else {
        // The L1, as for the orgs: with neither SecretString nor GenerateSecretString the secret is created with no value.
        const created = new secretsmanager.CfnSecret(this, `Login-${namespace}`, {
          name: `${prefix}/dvp/${namespace}`,
          description:
            `Docker Hub login for the DVP Data API of namespace ${namespace}: JSON {"username","pat"} (a personal access token ` +
            'of a member of the publisher org), read by the docker-reports-lake sync.',
        });
        created.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
        NagSuppressions.addResourceSuppressions(created, [
          {
            id: 'AwsSolutions-SMG4',
            reason:
              'The secret holds a Docker Hub personal access token, which only its user can create in Docker Hub ' +
              '(no API issues one); it cannot be rotated by a Lambda. Rotate it in Docker Hub and put the new value.',
          },
        ]);
        secret = secretsmanager.Secret.fromSecretCompleteArn(this, `Created-${namespace}`, created.ref);
        new CfnOutput(this, `PutLogin-${namespace}`, {
          description: `Store the Docker Hub login (username and personal access token) for DVP namespace ${namespace}`,
          value:
            `aws secretsmanager put-secret-value --secret-id ${created.ref} ` +
            `--secret-string '{"username":"<Docker ID>","pat":"<personal access token>"}'`,
        });
      }
      arns[namespace] = secret.secretArn;
      this.secrets.push(secret);
    }
    this.arns = arns;
  }

  /** Lets `grantee` read these secrets' current values, and nothing else of Secrets Manager; nothing when there are none. */
  grantRead(grantee: iam.IGrantable): void {
    if (this.secrets.length === 0) return;
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: this.secrets.map((secret) => secret.secretArn),
    });
  }
}
