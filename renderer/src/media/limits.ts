// Refusing a file the account cannot send, before any byte is staged.
import type { AccountView } from '../../../electron/api/contract';
import { cannotSendFilesMessage, cannotSendKindMessage, limitMessage } from './format';
import type { AttachmentKind } from './types';

/** Why this file cannot go from this account, in words for the user; null when it can. */
export function limitProblem(
  account: Pick<AccountView, 'attachmentLimits' | 'networkName' | 'address'> | undefined,
  kind: AttachmentKind,
  size: number,
): string | null {
  if (!account) return 'This chat’s account is gone, so nothing can be sent from it.';
  const limits = account.attachmentLimits;
  if (limits === null) return cannotSendFilesMessage(account.networkName, account.address);
  const limit = limits[kind];
  if (limit === undefined) return cannotSendKindMessage(kind, account.networkName);
  if (size > limit) return limitMessage(kind, account.networkName, limit, size);
  return null;
}
