// One file of a message, shown by its kind.
import type { AttachmentView } from '../../../../electron/api/contract';
import { FileCard } from './FileCard';
import { ImageAttachment } from './ImageAttachment';
import { VideoAttachment } from './VideoAttachment';
import { VoicePlayer } from './VoicePlayer';

export function Attachment({ attachment, fromMe }: { attachment: AttachmentView; fromMe: boolean }) {
  switch (attachment.kind) {
    case 'image':
      return <ImageAttachment attachment={attachment} fromMe={fromMe} />;
    case 'voice':
      return <VoicePlayer attachment={attachment} fromMe={fromMe} />;
    case 'video':
      return <VideoAttachment attachment={attachment} fromMe={fromMe} />;
    case 'file':
      return <FileCard attachment={attachment} fromMe={fromMe} />;
  }
}
