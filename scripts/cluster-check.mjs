// What a person would try on the loopback cluster of scripts/cluster-local.sh (run by its --check; not part of the test
// suite: it needs Caddy, nats-server and the published programs). Two headless Chromium users through the proxy, one on
// each web node, sticky across reloads, broadcasts and direct messages both ways; a terminal peer on the rendezvous nodes;
// then a SIGKILL of the rendezvous node the first web node's agents use, and one of the NATS server leading the broadcast
// stream: chat goes on, nothing shows twice, and the figures are printed.
//
//   node scripts/cluster-check.mjs --url http://127.0.0.30:54080 --web-1 127.0.0.21:54080 --web-2 127.0.0.22:54080
//     --cli <published cli folder> --servers 127.0.0.11:54234,127.0.0.12:54234 --peer-ports 54300-54399
//     --kill-rendezvous <pid> --kill-nats <pid> --playwright <playwright-core folder> [--artifacts <folder for a failure>]
//
// The two pids belong to the caller (cluster-local.sh started them); this script only sends them SIGKILL.
import { createRequire } from 'module';
import { spawn } from 'child_process';
import crypto from 'crypto';

const option = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) option[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const missing = ['url', 'web-1', 'web-2', 'cli', 'servers', 'peer-ports', 'kill-rendezvous', 'kill-nats', 'playwright'].filter(k => !option[k]);
if (missing.length) {
  console.error(`cluster-check.mjs: missing --${missing.join(', --')} (see the comment at its top)`);
  process.exit(2);
}
const url = option.url;
const { chromium } = createRequire(import.meta.url)(option.playwright);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`, ...a);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const escape = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Polls until fn returns something truthy and returns it; the page changes by itself (circuit pushes), so polling is
// the honest way to wait for what a person would see.
async function poll(what, fn, timeoutMs = 30000, everyMs = 20) {
  const start = Date.now();
  for (;;) {
    let value;
    try { value = await fn(); } catch { value = undefined; }
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

// Caddy's cookie policy: the cookie is the HMAC-SHA256 (empty secret) of the upstream's address.
const upstream = dial => crypto.createHmac('sha256', '').update(dial).digest('hex');
const webNodes = { [upstream(option['web-1'])]: 'web-1', [upstream(option['web-2'])]: 'web-2' };

const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

class Person {
  constructor(name, context, page) { Object.assign(this, { name, context, page }); }

  static async open(name) {
    // A tall window: the message log renders only the lines in view (Virtualize), and every line is counted here.
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 2400 }, locale: 'en-GB' });
    context.setDefaultTimeout(30000);
    const page = await context.newPage();
    page.on('pageerror', e => log(`${name}: page error ${e}`));
    const person = new Person(name, context, page);
    people.push(person);
    await person.goto();
    return person;
  }

  async goto() { await this.page.goto('/'); await this.ready(); }
  async reload() { await this.page.reload(); await this.ready(); }
  ready() { return this.page.locator('#interactive-ready').waitFor({ state: 'attached' }); }
  async cookie(name) { return (await this.context.cookies()).find(c => c.name === name)?.value; }
  async webNode() { return webNodes[await this.cookie('wpb_node')] ?? 'none'; }
  get self() { return this.page.getByLabel('You', { exact: true }); }
  get endpoint() { return this.page.getByTitle('Where other peers reach you'); }
  get linkState() { return this.page.getByRole('banner').getByRole('status'); }
  get everyone() { return this.page.getByRole('log', { name: 'Messages to everyone', exact: true }); }
  direct(peer) { return this.page.getByRole('log', { name: `Messages with ${peer}`, exact: true }); }
  get drawer() { return this.page.getByRole('navigation', { name: 'Conversations and people' }); }
  person(name) { return this.drawer.getByRole('listitem', { name, exact: true }); }
  static line(log, text) { return log.locator('[data-message-id]').filter({ has: log.page().getByText(text, { exact: true }) }); }
  async state() { return (await this.linkState.innerText()).trim(); }

  async join() {
    await this.page.getByLabel('Your name').fill(this.name);
    await this.page.getByRole('button', { name: 'Join', exact: true }).click();
    await poll(`${this.name} online`, async () => (await this.self.innerText()).includes(this.name) && await this.state() === 'Online');
  }

  async send(text) {
    const box = this.page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
    await poll('the composer took the line', async () => (await box.inputValue()) === '');
  }

  async count(log, text) { return Person.line(log, text).count(); }
  sees(log, text, ms = 30000) { return poll(`${this.name} sees "${text}"`, async () => (await this.count(log, text)) >= 1, ms); }
  outcome(log, text) {
    return poll(`"${text}" delivered or refused`, async () => {
      const line = Person.line(log, text);
      if (await line.getByRole('img', { name: 'Delivered', exact: true }).count()) return 'delivered';
      if (await line.getByRole('img', { name: 'Not delivered', exact: true }).count()) return 'refused';
      return undefined;
    });
  }
  async delivered(log, text) { if (await this.outcome(log, text) !== 'delivered') throw new Error(`${this.name}: "${text}" not delivered`); }
  async openDirect(peer) { await this.person(peer).getByRole('button', { name: `Message ${peer}`, exact: true }).click(); await this.direct(peer).waitFor(); }
  async openEveryone() { await this.drawer.getByRole('button').filter({ hasText: 'Everyone' }).click(); await this.everyone.waitFor(); }
  async messageIds() { return this.everyone.locator('[data-message-id]').evaluateAll(es => es.map(e => e.getAttribute('data-message-id'))); }
}

// The terminal peer, driven through its standard input and output.
class Terminal {
  constructor(name) {
    this.name = name;
    this.lines = [];
    this.process = spawn('dotnet', ['WebPeerBridge.Cli.dll', '--name', name, '--server', option.servers,
      '--bind', '127.0.0.51', '--advertise-host', '127.0.0.51', '--port-range', option['peer-ports']], { cwd: option.cli, stdio: ['pipe', 'pipe', 'inherit'] });
    let pending = '';
    this.process.stdout.on('data', data => {
      pending += data;
      for (let eol; (eol = pending.indexOf('\n')) >= 0; pending = pending.slice(eol + 1)) {
        this.lines.push({ at: Date.now(), text: pending.slice(0, eol) });
      }
    });
  }
  type(line) { this.process.stdin.write(line + '\n'); }
  count(re) { return this.lines.filter(l => re.test(l.text)).length; }
  shows(what, re, ms = 30000) { return poll(`${this.name} shows ${what}`, async () => this.count(re) >= 1, ms); }
  async leave() {
    this.process.stdin.end();
    const exited = new Promise(r => this.process.once('exit', r));
    if (this.process.exitCode === null && await Promise.race([exited.then(() => true), sleep(10000).then(() => false)]) === false) this.process.kill('SIGKILL');
  }
}

const findings = [];
const saw = line => { findings.push(line); log(line); };
let carol;
let failed = false;
const people = [];
try {
  // 1. Two browsers, one on each web node: fresh contexts land where the proxy sends them.
  const land = async (name, node) => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const person = await Person.open(name);
      if (await person.webNode() === node) return [person, attempt];
      await person.context.close();
    }
    throw new Error(`${name} never landed on ${node} in 12 fresh browsers`);
  };
  const [alice, aliceTries] = await land('alice', 'web-1');
  const [bob, bobTries] = await land('bob', 'web-2');
  saw(`landing: alice on web-1 in fresh browser ${aliceTries}, bob on web-2 in fresh browser ${bobTries}`);
  await alice.join();
  await bob.join();
  await poll('each lists the other', async () => (await alice.person('bob').count()) === 1 && (await bob.person('alice').count()) === 1);
  saw(`joined: alice's agent at ${(await alice.endpoint.innerText()).trim()}, bob's at ${(await bob.endpoint.innerText()).trim()}`);

  for (const person of [alice, bob]) {
    const node = await person.webNode(), session = await person.cookie('wpb-session'), at = (await person.endpoint.innerText()).trim();
    for (let i = 0; i < 5; i++) {
      await person.reload();
      await poll(`${person.name} back after the reload`, async () => (await person.self.innerText()).includes(person.name) && await person.state() === 'Online');
      const now = [await person.webNode(), await person.cookie('wpb-session'), (await person.endpoint.innerText()).trim()];
      if (now.join() !== [node, session, at].join()) throw new Error(`${person.name} not sticky after reload ${i + 1}: ${now}`);
    }
    saw(`sticky: ${person.name} reloaded 5 times, still on ${node}, same session cookie, same agent at ${at}`);
  }

  await alice.send('hello from alice on web-1');
  await bob.sees(bob.everyone, 'hello from alice on web-1');
  await alice.delivered(alice.everyone, 'hello from alice on web-1');
  await bob.send('hi alice, bob on web-2 here');
  await alice.sees(alice.everyone, 'hi alice, bob on web-2 here');
  await bob.delivered(bob.everyone, 'hi alice, bob on web-2 here');
  await alice.openDirect('bob');
  await alice.send('psst bob, a direct one');
  await alice.delivered(alice.direct('bob'), 'psst bob, a direct one');
  await bob.openDirect('alice');
  await bob.sees(bob.direct('alice'), 'psst bob, a direct one');
  await bob.send('got it, alice');
  await bob.delivered(bob.direct('alice'), 'got it, alice');
  await alice.sees(alice.direct('bob'), 'got it, alice');
  await alice.openEveryone();
  await bob.openEveryone();
  saw('chat across the web nodes: broadcasts both ways, direct messages both ways, all delivered');

  // 2. A terminal peer on the rendezvous nodes (it starts on the first of the list, the node web-1's agents use).
  carol = new Terminal('carol');
  await carol.shows('joined', /^\* joined as carol/);
  await poll('both browsers list carol', async () => (await alice.person('carol').count()) === 1 && (await bob.person('carol').count()) === 1);
  carol.type('hello browsers, carol in a terminal');
  await alice.sees(alice.everyone, 'hello browsers, carol in a terminal');
  await bob.sees(bob.everyone, 'hello browsers, carol in a terminal');
  await alice.send('welcome carol');
  await carol.shows('alice', /<alice> welcome carol$/);
  carol.type('/msg bob a direct one from the terminal');
  await bob.openDirect('carol');
  await bob.sees(bob.direct('carol'), 'a direct one from the terminal');
  await bob.send('and one back to the terminal');
  await bob.delivered(bob.direct('carol'), 'and one back to the terminal');
  await carol.shows('the dm from bob', /\[dm\] <bob> and one back to the terminal$/);
  await bob.openEveryone();
  saw(`terminal peer: ${carol.lines.find(l => /joined as/.test(l.text)).text.replace(/ Type \/help.*/, '')}; broadcasts and direct messages both ways`);

  // 3. SIGKILL the rendezvous node alice's agent (web-1) and carol use.
  const killedAt = Date.now();
  process.kill(Number(option['kill-rendezvous']), 'SIGKILL');
  saw(`SIGKILL rendezvous node (pid ${option['kill-rendezvous']})`);
  const states = [];
  for (let last = ''; Date.now() - killedAt < 30000;) {
    const state = await alice.state().catch(() => '?');
    if (state !== last) { states.push(`${Date.now() - killedAt} ms ${state}`); last = state; }
    if (states.length >= 3 && state === 'Online') break;
    await sleep(10);
  }
  saw(`alice's link state after the kill: ${states.join(' → ')}`);
  await carol.shows('back online', /Back online/, 30000);
  saw(`carol after the kill: ${carol.lines.filter(l => l.at >= killedAt).map(l => `${l.at - killedAt} ms ${l.text}`).join(' | ')}`);
  await alice.send('alice after the rendezvous kill');
  await bob.sees(bob.everyone, 'alice after the rendezvous kill');
  await carol.shows('alice after the kill', /<alice> alice after the rendezvous kill$/);
  saw(`alice's first broadcast after the kill reached bob and carol ${Date.now() - killedAt} ms after the kill`);
  carol.type('carol after the rendezvous kill');
  await alice.sees(alice.everyone, 'carol after the rendezvous kill');
  await bob.sees(bob.everyone, 'carol after the rendezvous kill');
  await bob.send('bob after the rendezvous kill');
  await alice.sees(alice.everyone, 'bob after the rendezvous kill');
  await carol.shows('bob after the kill', /<bob> bob after the rendezvous kill$/);
  // Past the node timeout (15 s), when a 'left' or a replayed line would have shown up if there were to be one.
  await sleep(Math.max(0, 20000 - (Date.now() - killedAt)));
  const everyLine = ['hello from alice on web-1', 'hi alice, bob on web-2 here', 'hello browsers, carol in a terminal', 'welcome carol',
    'alice after the rendezvous kill', 'carol after the rendezvous kill', 'bob after the rendezvous kill'];
  const once = async () => {
    for (const person of [alice, bob]) {
      // Polled: a log just opened again renders its lines a moment later.
      for (const text of everyLine) {
        await poll(`${person.name} shows "${text}" once`, async () => await person.count(person.everyone, text) === 1, 10000)
          .catch(async () => { throw new Error(`${person.name} shows "${text}" ${await person.count(person.everyone, text)} times`); });
      }
      const ids = await person.messageIds();
      if (new Set(ids).size !== ids.length) throw new Error(`${person.name} shows a message twice`);
    }
    for (const text of everyLine.filter(t => !t.startsWith('hello browsers') && !t.startsWith('carol after'))) {
      if (carol.count(new RegExp(`> ${escape(text)}$`)) !== 1) throw new Error(`carol shows "${text}" ${carol.count(new RegExp(`> ${escape(text)}$`))} times`);
    }
  };
  await once();
  const quiet = [];
  for (const person of [alice, bob]) quiet.push(`${person.name}: ${(await person.everyone.locator('[data-quiet-line]').allInnerTexts()).map(t => t.replace(/\s+/g, ' ')).join(', ')}`);
  saw(`20 s after the kill: every line once for alice, bob and carol; no "left" (quiet lines: ${quiet.join('; ')})`);

  // 4. SIGKILL the NATS server leading the broadcast stream: bob says a line every second until one is taken.
  const natsKilledAt = Date.now();
  process.kill(Number(option['kill-nats']), 'SIGKILL');
  saw(`SIGKILL NATS server (pid ${option['kill-nats']}, the broadcast stream's leader)`);
  const probes = [];
  for (let i = 1; ; i++) {
    const text = `probe ${i} after the nats kill`, sentAt = Date.now() - natsKilledAt;
    await bob.send(text);
    const outcome = await bob.outcome(bob.everyone, text);
    probes.push({ text, outcome, line: `#${i} sent at ${sentAt} ms: ${outcome} at ${Date.now() - natsKilledAt} ms` });
    if (outcome === 'delivered') break;
    if (i >= 30) throw new Error('no broadcast taken in 30 tries after the NATS kill');
    await sleep(Math.max(0, natsKilledAt + sentAt + 1000 - Date.now()));
  }
  saw(`bob's lines after the NATS kill: ${probes.map(p => p.line).join('; ')}`);
  const taken = probes.at(-1).text;
  await alice.sees(alice.everyone, taken);
  await carol.shows('the taken probe', new RegExp(`<bob> ${escape(taken)}$`));
  await alice.send('alice after the nats kill');
  await bob.sees(bob.everyone, 'alice after the nats kill');
  carol.type('carol after the nats kill');
  await alice.sees(alice.everyone, 'carol after the nats kill');
  await bob.sees(bob.everyone, 'carol after the nats kill');
  await alice.openDirect('bob');
  await alice.send('a direct one after the nats kill');
  await alice.delivered(alice.direct('bob'), 'a direct one after the nats kill');
  await alice.openEveryone();
  everyLine.push(taken, 'alice after the nats kill', 'carol after the nats kill');
  await once();
  for (const refused of probes.filter(p => p.outcome === 'refused')) {
    if (await alice.count(alice.everyone, refused.text) || carol.count(new RegExp(escape(refused.text)))) throw new Error(`refused "${refused.text}" reached others`);
  }
  saw(`after the NATS kill: every line once; ${probes.length - 1} refused line(s) shown "Not delivered" to bob only; a direct message delivered`);
} catch (e) {
  failed = true;
  saw(`FAILED: ${e.message}`);
  if (option.artifacts) {
    for (const person of people.filter(p => !p.page.isClosed())) {
      await person.page.screenshot({ path: `${option.artifacts}/${person.name}.png`, fullPage: true }).catch(() => {});
      await import('fs').then(fs => person.page.content().then(html => fs.writeFileSync(`${option.artifacts}/${person.name}.html`, html))).catch(() => {});
    }
    if (carol) await import('fs').then(fs => fs.writeFileSync(`${option.artifacts}/carol.txt`, carol.lines.map(l => l.text).join('\n')));
    saw(`screenshots, pages and the terminal's output in ${option.artifacts}`);
  }
} finally {
  if (carol) await carol.leave();
  await browser.close();
  console.log(`\n${failed ? 'CHECK FAILED' : 'CHECK PASSED'}\n${findings.map(f => ` - ${f}`).join('\n')}`);
  process.exitCode = failed ? 1 : 0;
}
