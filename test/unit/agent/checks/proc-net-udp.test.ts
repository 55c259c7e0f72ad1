import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProcNetUdp } from '../../../../src/agent/checks/parse/proc-net-udp.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'netlab');
const HEADER4 = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const HEADER6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const line = (local: string, remote: string, st: string, uid = 0, inode = 0) => ` 1: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000 ${uid} 0 ${inode} 2 0000000000000000 0`;

describe('agent checks: /proc/net/udp parser', () => {
  it('reads the kernel VXLAN socket captured from the lab: 0.0.0.0:8472, uid 0, unconnected', () => {
    const sockets = parseProcNetUdp(readFileSync(path.join(FIXTURES, 'healthy', 'proc-net-udp.txt'), 'utf8'));
    expect(sockets).to.have.length(1);
    expect(sockets?.[0]).to.include({ address: '0.0.0.0', port: 8472, state: '07', uid: 0 });
  });

  const rows: { text: string; want: { address: string; port: number; state: string }[]; what: string }[] = [
    { what: 'loopback, little-endian word', text: `${HEADER4}\n${line('0100007F:0035', '00000000:0000', '07')}`, want: [{ address: '127.0.0.1', port: 53, state: '07' }] },
    { what: 'a connected socket keeps its state', text: `${HEADER4}\n${line('0B00630A:A1B2', '0C00630A:12B5', '01', 1000, 5)}`, want: [{ address: '10.99.0.11', port: 41394, state: '01' }] },
    { what: 'IPv6 any, the Talos port', text: `${HEADER6}\n${line('00000000000000000000000000000000:12B5', '00000000000000000000000000000000:0000', '07')}`, want: [{ address: '0:0:0:0:0:0:0:0', port: 4789, state: '07' }] },
    { what: 'IPv6 loopback', text: `${HEADER6}\n${line('00000000000000000000000001000000:2118', '00000000000000000000000000000000:0000', '07')}`, want: [{ address: '0:0:0:0:0:0:0:1', port: 8472, state: '07' }] },
    { what: 'no sockets', text: `${HEADER4}\n`, want: [] },
    { what: 'a garbled line is skipped, the rest kept', text: `${HEADER4}\nnot a socket line\n${line('00000000:2118', '00000000:0000', '07')}`, want: [{ address: '0.0.0.0', port: 8472, state: '07' }] },
  ];
  for (const { what, text, want } of rows) {
    it(what, () => {
      expect(parseProcNetUdp(text)?.map(({ address, port, state }) => ({ address, port, state }))).to.deep.equal(want);
    });
  }

  it('big-endian machines print the address bytes in order', () => {
    expect(parseProcNetUdp(`${HEADER4}\n${line('7F000001:0035', '00000000:0000', '07')}`, false)?.[0]?.address).to.equal('127.0.0.1');
  });

  it('text without the header is not a socket table', () => {
    expect(parseProcNetUdp('')).to.equal(undefined);
    expect(parseProcNetUdp('<html>')).to.equal(undefined);
  });
});
