// Messages between the main thread and the network service thread (net_worker.ts).
import type { WorkerInit } from '../kernel/messages.js';

export type NetWorkerInit = WorkerInit;

export type NetRequest =
  | { id: number; type: 'publish'; hostPort: number; guestPort: number; hostAddress: string }
  // complete: false reads the response to the end of the connection.
  | { id: number; type: 'http'; port: number; request: Uint8Array; complete?: boolean };

// id 0: the service is ready.
export interface NetReply {
  id: number;
  ok: boolean;
  error?: string;
  data?: Uint8Array;
}
