/**
 * The one Tauri backend for tests. It installs Tauri's own IPC mock (`@tauri-apps/api/mocks`), so
 * the real `invoke`, `Channel` and `listen` run unchanged and no test needs `vi.mock` for
 * `@tauri-apps/api`. Commands are answered by name with the types of `Commands` in `../api`.
 *
 *   const tauri = mockTauri();              // in beforeEach (it also clears the previous one)
 *   tauri.answer({ list_repositories: () => [repo] });
 *   tauri.fail("store_info", { code: "config", message: "bad URL" });
 *   const job = tauri.hold("create_backup"); // answers later; job.progress(...) drives its Channel
 *   expect(tauri.calls("list_repositories")).toHaveLength(1);
 *   await tauri.emit("backup-schedule-ran", run);
 *
 * A command without an answer rejects with "unexpected command NAME", like a backend that lacks it.
 */
import type { Channel } from "@tauri-apps/api/core";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { vi, type Mock } from "vitest";

import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { CommandArgs, CommandName, CommandResult, Events } from "../api";

/** How a test answers one command: a value, or a promise of one (a rejection is the error). */
export type Answer<K extends CommandName> = (args: CommandArgs<K>) => CommandResult<K> | Promise<CommandResult<K>>;
export type Answers = { [K in CommandName]?: Answer<K> };

/** Plugin commands (`plugin:dialog|save`, …) are not in `Commands`; they are answered untyped. */
type PluginCommand = `plugin:${string}`;

/** A command the test settles itself, with the progress Channel it was given (if any). */
export interface HeldCall<K extends CommandName> {
  /** Arguments of the latest call (undefined until the command is called). */
  readonly args: CommandArgs<K> | undefined;
  /** Sends a message through the call's `onProgress` Channel, as the Rust side does. */
  progress: (message: ChannelMessage<K>) => void;
  resolve: (result: CommandResult<K>) => void;
  /** Rejects with the backend's `ErrorPayload` shape. */
  fail: (error: ErrorPayload) => void;
}

type ChannelMessage<K extends CommandName> = CommandArgs<K> extends { onProgress: Channel<infer T> } ? T : never;

export interface TauriMock {
  /** Every IPC call as `(command, args)`, for `toHaveBeenCalledWith`; event plumbing is left out. */
  readonly invoke: Mock<(command: string, args: Record<string, unknown>) => Promise<unknown>>;
  /** Sets (or replaces) the answers to the named commands; others keep theirs. */
  answer: (answers: Answers) => void;
  /** Answers a plugin command, e.g. `plugin:dialog|save`. */
  answerPlugin: (command: PluginCommand, answer: (args: Record<string, unknown>) => unknown) => void;
  /** Makes a command reject with `{code, message}` (as `CommandError` sees a backend error). */
  fail: <K extends CommandName>(command: K, error: ErrorPayload) => void;
  /** Makes a command wait until the test settles it; see `HeldCall`. */
  hold: <K extends CommandName>(command: K) => HeldCall<K>;
  /** Arguments of each call of a command, oldest first. */
  calls: <K extends CommandName>(command: K) => CommandArgs<K>[];
  /** Emits a backend event to the app's listeners. */
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => Promise<void>;
}

/** Sends `message` through a Channel the app passed to a command, the way Tauri delivers it. */
export function sendThrough<T>(channel: Channel<T>, message: T): void {
  const index = nextIndex.get(channel) ?? 0;
  nextIndex.set(channel, index + 1);
  window.__TAURI_INTERNALS__.runCallback(channel.id, { index, message });
}
const nextIndex = new WeakMap<object, number>();

declare global {
  interface Window {
    // Set by `mockIPC`; only the part this file uses.
    __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
  }
}

/** Installs a fresh mock backend (clearing any earlier one) and returns its controls. */
export function mockTauri(initial: Answers = {}): TauriMock {
  clearMocks();
  const answers = new Map<string, (args: Record<string, unknown>) => unknown>();
  const invoke = vi.fn((command: string, args: Record<string, unknown>) => {
    const answer = answers.get(command);
    if (answer === undefined) return Promise.reject(`unexpected command ${command}`);
    try {
      return Promise.resolve(answer(args));
    } catch (error) {
      return Promise.reject(error);
    }
  });
  mockIPC((command, args) => invoke(command, (args ?? {}) as Record<string, unknown>), { shouldMockEvents: true });

  const set = (command: string, answer: (args: never) => unknown) =>
    answers.set(command, answer as (args: Record<string, unknown>) => unknown);

  const mock: TauriMock = {
    invoke,
    answer: (more) => {
      for (const [command, answer] of Object.entries(more)) set(command, answer);
    },
    answerPlugin: (command, answer) => set(command, answer),
    fail: (command, error) => set(command, () => Promise.reject({ ...error })),
    hold: <K extends CommandName>(command: K) => {
      let settle: { resolve: (r: CommandResult<K>) => void; reject: (e: unknown) => void } | null = null;
      const held = {
        args: undefined as CommandArgs<K> | undefined,
        progress: (message: ChannelMessage<K>) => {
          const channel = (held.args as { onProgress?: Channel<ChannelMessage<K>> } | undefined)?.onProgress;
          if (channel === undefined) throw new Error(`${command} was not called with a progress channel`);
          sendThrough(channel, message);
        },
        resolve: (result: CommandResult<K>) => settle?.resolve(result),
        fail: (error: ErrorPayload) => settle?.reject({ ...error }),
      };
      set(command, (args: CommandArgs<K>) => {
        held.args = args;
        return new Promise<CommandResult<K>>((resolve, reject) => {
          settle = { resolve, reject };
        });
      });
      return held;
    },
    calls: <K extends CommandName>(command: K) =>
      invoke.mock.calls.filter(([name]) => name === command).map(([, args]) => args as CommandArgs<K>),
    emit: (event, payload) => emit(event, payload),
  };
  mock.answer(initial);
  return mock;
}
