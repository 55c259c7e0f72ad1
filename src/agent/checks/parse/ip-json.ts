// Schemas for the `ip -j` / `bridge -j` output the checks read (iproute2's JSON, as captured from a
// real kernel in test/fixtures/netlab). Only the fields used are kept; anything else is ignored, so
// newer iproute2 versions that add fields still parse.
import { z } from 'zod';

const flags = z.array(z.string()).default([]);

/** `ip -j -d link show` */
export const linkSchema = z.object({
  ifindex: z.number(),
  ifname: z.string(),
  flags,
  mtu: z.number(),
  operstate: z.string().default('UNKNOWN'),
  address: z.string().optional(),
  linkinfo: z
    .object({
      info_kind: z.string().optional(),
      info_data: z
        .object({
          id: z.number().optional(),
          local: z.string().optional(),
          /** an IPv6 device's source address (iproute2 prints it as local6) */
          local6: z.string().optional(),
          /** the lower (underlay) device's name */
          link: z.string().optional(),
          port: z.number().optional(),
          learning: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type Link = z.infer<typeof linkSchema>;

/** `ip -j addr show` */
export const addressSchema = z.object({
  ifname: z.string().optional(),
  addr_info: z.array(z.object({ family: z.string().optional(), local: z.string().optional(), prefixlen: z.number().optional() })).default([]),
});

/** `bridge -j fdb show dev DEV` */
export const fdbSchema = z.object({ mac: z.string(), dst: z.string().optional(), flags, state: z.string().optional() });
export type FdbEntry = z.infer<typeof fdbSchema>;

/** `ip -j neigh show dev DEV` */
export const neighSchema = z.object({ dst: z.string(), lladdr: z.string().optional(), state: flags });
export type NeighEntry = z.infer<typeof neighSchema>;

/** `ip -j route show dev DEV` */
export const routeSchema = z.object({ dst: z.string(), gateway: z.string().optional(), flags });
export type RouteEntry = z.infer<typeof routeSchema>;

/** Parses a list, or undefined when it does not have the expected shape. */
export function parseList<T>(schema: z.ZodType<T>, raw: unknown): T[] | undefined {
  const parsed = z.array(schema).safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
