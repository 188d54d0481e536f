import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface OrgSecretsProps {
  /** One secret per org. */
  readonly orgs: readonly string[];
  /** Secrets the stack creates are named `{namePrefix}/{org}`. @default 'docker-reports' */
  readonly namePrefix?: string;
  /** Existing secrets by org (complete ARNs), used instead of creating them. @default {} */
  readonly existing?: Readonly<Record<string, string>>;
  /** What happens to the created secrets when the stack goes. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where each org's Organization Access Token is kept: a Secrets Manager
 * secret per org, created empty (the stack never holds the token; the README
 * gives the one put-secret-value command) or imported by ARN.
 */
export class OrgSecrets extends Construct {
  /** Secret ARN by org. */
  readonly arns: Readonly<Record<string, string>>;
  private readonly secrets: secretsmanager.ISecret[] = [];

  constructor(scope: Construct, id: string, props: OrgSecretsProps) {
    super(scope, id);
    const arns: Record<string, string> = {};
    const prefix = props.namePrefix ?? 'docker-reports';
    for (const org of props.orgs) {
      const existing = props.existing?.[org];
      let secret: secretsmanager.ISecret;
      if (existing) {
        secret = secretsmanager.Secret.fromSecretCompleteArn(this, `Existing-${org}`, existing);
      } else {
        // The L1, because the Secret L2 always generates a value; with neither SecretString nor
        // GenerateSecretString, CloudFormation creates the secret empty, with no version at all.
        const created = new secretsmanager.CfnSecret(this, `Oat-${org}`, {
          name: `${prefix}/${org}`,
          description: `Organization Access Token of Docker org ${org} ("Report read" scope), read by the docker-reports-lake sync.`,
        });
        created.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
        NagSuppressions.addResourceSuppressions(created, [
          {
            id: 'AwsSolutions-SMG4',
            reason:
              'The secret holds a Docker Organization Access Token, which only an owner of the Docker org can create ' +
              '(Docker Hub offers no API to issue one); it cannot be rotated by a Lambda. Rotate it in Docker Hub and put the new value.',
          },
        ]);
        secret = secretsmanager.Secret.fromSecretCompleteArn(this, `Created-${org}`, created.ref);
        new CfnOutput(this, `PutOat-${org}`, {
          description: `Store the OAT of org ${org}`,
          value: `aws secretsmanager put-secret-value --secret-id ${created.ref} --secret-string '<OAT of ${org}>'`,
        });
      }
      arns[org] = secret.secretArn;
      this.secrets.push(secret);
    }
    this.arns = arns;
  }

  /** Lets `grantee` read these secrets' current values, and nothing else of Secrets Manager. */
  grantRead(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: this.secrets.map((secret) => secret.secretArn),
    });
  }
}
