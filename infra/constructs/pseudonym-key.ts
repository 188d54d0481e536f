import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface PseudonymKeyProps {
  /** The columns pseudonymised with it, for the secret's description. */
  readonly columns: readonly string[];
  /** What happens to the key when the stack goes: the lake's policy, as its copies need the same key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The key of the pseudonymised columns (`query.pseudonymize`): a Secrets
 * Manager secret whose value Secrets Manager generates at creation (64
 * letters and digits), so it never appears in a template, a CDK output or a
 * CloudFormation event. The landing functions read it; nobody else needs to:
 * whoever can read it can test a guessed name against a pseudonym.
 */
export class PseudonymKey extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly columns: readonly string[];

  constructor(scope: Construct, id: string, props: PseudonymKeyProps) {
    super(scope, id);
    this.columns = [...props.columns];
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        `Key of the keyed hashes (HMAC-SHA-256) that replace ${props.columns.join(', ')} in the docker-reports query copies. ` +
        'Changing it changes every pseudonym.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'A rotated key would give every person a new pseudonym: counts and joins across periods need one key for the life of the lake. ' +
          'To change it on purpose, put a new value and rebuild the query copies (README, "Pseudonymised columns").',
      },
    ]);
    new CfnOutput(this, 'SecretArn', {
      description: 'The secret holding the key of the pseudonymised query columns (value generated, never printed)',
      value: this.secret.secretArn,
    });
  }

  /** Lets `grantee` read the key's current value, and nothing else of Secrets Manager. */
  grantRead(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [this.secret.secretArn] });
  }
}
