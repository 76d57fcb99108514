/** What every channel adapter turns a platform message into, and what it sends back. */

export interface Attachment {
  /** image / file / audio / video, as the channel reports it. */
  kind: string;
  name?: string;
  /** Where the channel keeps it (URL or platform media id); the bytes stay with the channel. */
  ref: string;
}

export interface Incoming {
  /** terminal, wechat, telegram, web … */
  channel: string;
  /** The chat (private or group) the message came from. */
  chatId: string;
  userId: string;
  userName?: string;
  isGroup: boolean;
  /** In a group: whether the assistant was addressed (@工友助手). Ignored in private chats. */
  mentioned?: boolean;
  /** In a group: whether this message replies to one of the assistant's. */
  replyToBot?: boolean;
  text: string;
  attachments?: Attachment[];
  /** When the channel received it (for the channel's records; the assistant reads its own clock). */
  at?: Date;
  /** The bytes of an attachment, for channels that can fetch them (a staff member's /kb add). */
  fetchAttachment?: (a: Attachment) => Promise<Buffer>;
  /**
   * The client's network address (group), for channels that know one the server can trust (the web
   * chat: the socket, or X-Forwarded-For with TRUST_PROXY); the per-address quota counts it.
   */
  clientAddress?: string;
  /** In a group: how to reach the assistant privately on this channel (a link, "加我好友后私聊"). */
  privateHint?: string;
}

/** A numbered source of an answer: the same shape `ask --json` prints. */
export interface Source {
  n: number;
  docId: string;
  title: string;
  section: string | null;
  source: string;
  score: number;
  /** The cited passage (the chunk quoted), so a channel can link to its page without the store. */
  chunkId: number;
}

export interface Reply {
  text: string;
  sources?: Source[];
  /** Short answers the worker may tap, for channels that can show buttons. */
  choices?: string[];
  /** Send privately to the user rather than into the group. */
  private?: boolean;
}

/** The only source of time for conversations, so tests can move it. */
export type Clock = () => Date;
