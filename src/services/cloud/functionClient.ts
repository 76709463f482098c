import type { z } from 'zod'
import type { Reply } from '@contracts/envelope'
import { call } from './call'

/** One action of a function's contract (contracts/*.ts): the schema of its input and of its reply's data. */
export interface ActionContract {
  input: z.ZodType
  output: z.ZodType
}

/** A function's contract: action name → its schemas. The function's router is keyed by the same names. */
export type FunctionContract = Record<string, ActionContract>

/**
 * What a caller passes: the input schema's input type. An input that accepts aliases
 * (`z.preprocess(aliases, schema)`) types as `unknown`; callers pass the shape of the schema it feeds.
 */
export type ActionInput<A extends ActionContract> = unknown extends z.input<A['input']>
  ? A['input'] extends z.ZodPipe<any, infer Fed>
    ? z.input<Fed>
    : z.input<A['input']>
  : z.input<A['input']>

/** What a successful reply carries: the output schema's parsed type. */
export type ActionOutput<A extends ActionContract> = z.output<A['output']>

/** One action as a call; the input may be left out when every field of it is optional. */
export type ActionCall<A extends ActionContract> = {} extends ActionInput<A>
  ? (input?: ActionInput<A>) => Promise<Reply<ActionOutput<A>>>
  : (input: ActionInput<A>) => Promise<Reply<ActionOutput<A>>>

/** The calls of one function: exactly the actions of its contract. */
export type FunctionClient<C extends FunctionContract> = { readonly [K in keyof C & string]: ActionCall<C[K]> }

/**
 * The typed client of cloud function `name`, derived from its contract: one method per action,
 * `client.<action>(input)` → `call(name, action, input, contract[action].output)`, so a reply is
 * parsed with that action's output schema (a reply that breaks it answers INTERNAL) and never throws.
 */
export function functionClient<C extends FunctionContract>(name: string, contract: C): FunctionClient<C> {
  const client: Record<string, (input?: object) => Promise<Reply<unknown>>> = {}
  for (const action of Object.keys(contract)) {
    const output = contract[action].output
    client[action] = (input = {}) => call(name, action, input, output)
  }
  return client as FunctionClient<C>
}

/**
 * The typed client of cloud function `name` from its contract's TYPE alone (`import type` the
 * contract): the same calls as `functionClient`, but a reply is checked as an envelope only, not
 * parsed with the output schema. For the weapp main package (tab pages, session) and the district
 * subpackage, which carry no zod runtime (issue #15; their contracts only type the calls).
 * `actions` are the contract's action names (tests/unit/function-client.test.ts checks they are all).
 */
export function typedClient<C extends FunctionContract>(name: string, actions: readonly (keyof C & string)[]): FunctionClient<C> {
  const client: Record<string, (input?: object) => Promise<Reply<unknown>>> = {}
  for (const action of actions) client[action] = (input = {}) => call(name, action, input)
  return client as FunctionClient<C>
}
