// The diagnosis page as a person uses it: walking the tree by clicking,
// shared links, Back/Forward, the commands, the output reader and the page
// without JavaScript, in real headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hydrated, openPage, start } from './harness.mjs';

const root = new URL('..', import.meta.url);
const TREE = JSON.parse(readFileSync(new URL('content/diagnose/tree.json', root), 'utf8'));
const NODES = new Map(TREE.nodes.map((n) => [n.id, n]));
const VERDICTS = TREE.nodes.filter((n) => n.kind === 'verdict');
const capture = (name) => readFileSync(new URL(`crates/core/tests/captures/${name}`, root), 'utf8');

/** The node a list of answer ids leads to. */
function nodeAt(answers) {
  let node = NODES.get(TREE.root);
  for (const id of answers) node = NODES.get(node.answers.find((a) => a.id === id).next);
  return node;
}

/** What the step heading shows for a node. */
const headingOf = (node) => (node.kind === 'verdict' ? `Verdict: ${node.title}` : node.text);

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Opens /diagnose (plus `query`) and waits for hydration. */
async function openDiagnose(query = '') {
  const opened = await openPage(env.browser);
  await opened.page.goto(env.url + 'diagnose' + query);
  await hydrated(opened.page);
  return opened;
}

const stepHeading = (page) => page.locator('#diagnose-step-heading');

/** Waits until the step heading shows `node`. */
async function expectStep(page, node) {
  await page.waitForFunction(
    (text) => document.querySelector('#diagnose-step-heading')?.textContent === text,
    headingOf(node),
  );
}

/** Clicks the answers `ids` one by one, checking each step and the URL. */
async function walkBy(page, ids, done = []) {
  for (const id of ids) {
    const question = nodeAt(done);
    const answer = question.answers.find((a) => a.id === id);
    await page.locator('.diagnose-answers').getByRole('link', { name: answer.label, exact: true }).click();
    done.push(id);
    await expectStep(page, nodeAt(done));
    assert.equal(new URL(page.url()).searchParams.get('p'), done.join('.'));
    // Focus moved to the new heading.
    await page.waitForFunction(() => document.activeElement?.id === 'diagnose-step-heading');
  }
  return done;
}

describe('the step-by-step diagnosis', () => {
  const walks = [
    ['timeout', 'all', 'both', 'allows', 'blocked', 'connect'],
    ['greeting', 'matches'],
    ['rejected', 'ptr'],
    ['error', 'dns'],
  ];
  for (const answers of walks) {
    test(`answers ${answers.join(' → ')} end at "${nodeAt(answers).title}"`, async () => {
      const { page, context, problems } = await openDiagnose();
      await expectStep(page, NODES.get(TREE.root));
      await walkBy(page, answers);
      const verdict = nodeAt(answers);
      assert.equal(verdict.kind, 'verdict');
      // The breadcrumb lists every answer taken.
      const crumbs = page.getByRole('navigation', { name: 'Your answers so far' }).getByRole('listitem');
      assert.equal(await crumbs.count(), answers.length);
      // The explanation and every remedy are shown, links under the base path.
      const step = page.locator('.diagnose-step');
      assert.ok((await step.locator('.diagnose-explanation').textContent()).length > 100);
      const remedies = step.locator('.diagnose-remedies > li');
      assert.equal(await remedies.count(), verdict.remedies.length);
      for (const r of verdict.remedies.filter((r) => r.link)) {
        const href = new URL(env.url).pathname + r.link.slice(1);
        assert.equal(await step.locator(`.diagnose-remedies a[href="${href}"]`).count(), 1, href);
      }
      for (const r of verdict.remedies.filter((r) => r.command)) {
        assert.equal(await step.locator('.diagnose-remedies code').filter({ hasText: r.command }).count(), 1);
        assert.equal(await step.getByRole('button', { name: `Copy the command: ${r.label}` }).count(), 1);
      }
      for (const a of await step.locator('.diagnose-explanation a[href^="/"]').all()) {
        assert.ok((await a.getAttribute('href')).startsWith(new URL(env.url).pathname));
      }
      // Back goes one answer up; Restart goes to the root.
      await step.getByRole('link', { name: 'Back', exact: true }).click();
      await expectStep(page, nodeAt(answers.slice(0, -1)));
      await page.waitForFunction(() => document.activeElement?.id === 'diagnose-step-heading');
      await step.getByRole('link', { name: 'Restart', exact: true }).click();
      await expectStep(page, NODES.get(TREE.root));
      assert.equal(new URL(page.url()).search, '');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('a shared link reloads on the same question, and Back/Forward step through answers', async () => {
    const { page, context, problems } = await openDiagnose();
    await walkBy(page, ['timeout', 'all']);
    const shared = page.url();
    assert.match(shared, /\/diagnose\?p=timeout\.all$/);

    // A fresh load of the link: prerendered root first, then the link's state.
    await page.reload();
    await hydrated(page);
    await expectStep(page, nodeAt(['timeout', 'all']));
    const other = await openPage(env.browser);
    await other.page.goto(shared);
    await hydrated(other.page);
    await expectStep(other.page, nodeAt(['timeout', 'all']));
    assert.deepEqual(other.problems, []);
    await other.context.close();

    await walkBy(page, ['both'], ['timeout', 'all']);
    await page.evaluate(() => {
      window.__port25NoReload = true;
    });
    await page.goBack();
    await expectStep(page, nodeAt(['timeout', 'all']));
    await page.goBack();
    await expectStep(page, nodeAt(['timeout']));
    await page.goForward();
    await expectStep(page, nodeAt(['timeout', 'all']));
    await page.goForward();
    await expectStep(page, nodeAt(['timeout', 'all', 'both']));
    assert.equal(await page.evaluate(() => window.__port25NoReload), true, 'Back/Forward reloaded the page');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a link whose answers no longer match stops at the last valid step', async () => {
    const { page, context, problems } = await openDiagnose('?p=timeout.nonsense.all');
    await expectStep(page, nodeAt(['timeout']));
    assert.match(await page.locator('.diagnose-step .notice').textContent(), /no longer matches/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the chosen provider stays in the URL and the verdict links its page', async () => {
    const { page, context, problems } = await openDiagnose();
    const select = page.getByLabel('Your hosting provider or ISP (optional)');
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    const [id, name] = options[1];
    await select.selectOption(id);
    await page.waitForURL((url) => url.searchParams.get('provider') === id);
    await walkBy(page, ['panel']);
    assert.equal(new URL(page.url()).searchParams.get('provider'), id);
    const link = page.locator('.diagnose-provider-note a');
    assert.equal(await link.textContent(), `What ${name} documents about port 25`);
    assert.equal(await link.getAttribute('href'), `${new URL(env.url).pathname}providers/${id}`);
    // A reload keeps the provider and the step.
    await page.reload();
    await hydrated(page);
    await expectStep(page, nodeAt(['panel']));
    await page.waitForFunction((v) => document.querySelector('#diagnose-provider')?.value === v, id);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('keyboard: an answer is reached with Tab and followed with Enter', async () => {
    const { page, context } = await openDiagnose();
    const first = NODES.get(TREE.root).answers[0];
    await page.locator('.diagnose-answers a').first().focus();
    await page.keyboard.press('Enter');
    await expectStep(page, NODES.get(first.next));
    await page.waitForFunction(() => document.activeElement?.id === 'diagnose-step-heading');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.closest('.diagnose-step') !== null);
    assert.ok(focused, 'Tab from the heading stays in the step');
    await context.close();
  });
});

describe('the commands', () => {
  test('the system and IP version choices show the matching commands, and Copy copies', async () => {
    const { page, context, problems } = await openDiagnose();
    const section = page.locator('.diagnose-commands');
    const visible = () => section.locator('code:visible').allTextContents();
    let lines = await visible();
    assert.ok(lines.length >= 20, `${lines.length} commands`);
    assert.ok(lines.every((l) => / -4 /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('nc -4 ')));
    await section.getByRole('radio', { name: 'IPv6' }).check();
    lines = await visible();
    assert.ok(lines.every((l) => / -6 /.test(l)), lines.join('\n'));
    await section.getByRole('radio', { name: 'Windows (PowerShell)' }).check();
    lines = await visible();
    assert.ok(lines.length >= 4 && lines.every((l) => l.startsWith('Test-NetConnection') && l.includes('-Type AAAA')));
    assert.ok(await section.locator('.cmd-how:visible').first().textContent());

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.url).origin });
    const button = section.locator('button.copy:visible').first();
    assert.match(await button.getAttribute('aria-label'), /^Copy the Test-NetConnection command for /);
    await button.click();
    await page.waitForFunction(() => document.querySelector('.diagnose-sr')?.textContent === 'Copied to the clipboard.');
    assert.equal(await button.textContent(), 'Copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), lines[0]);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('advice that follows the provider data', () => {
  test('a Hetzner user whose 465 times out is led to 587, never to 2525', async () => {
    // Hetzner documents outbound 587 as open. Asked about 587 first, the
    // user either sees it connect (a relay on 587) or, if it does not, is
    // told the provider documents it open, so the cause is nearer home.
    const { page, context, problems } = await openDiagnose('?provider=hetzner-cloud');
    const toPorts = ['timeout', 'all', 'both', 'allows', 'blocked'];
    await walkBy(page, toPorts);
    assert.match(await stepHeading(page).textContent(), /587/);
    assert.doesNotMatch(await stepHeading(page).textContent(), /465/, '587 is asked on its own, first');
    for (const [answers, verdictId] of [
      [[...toPorts, 'connect'], 'outbound-blocked'],
      [[...toPorts, 'blocked', 'open'], 'documented-open-587'],
    ]) {
      await page.goto(env.url + `diagnose?provider=hetzner-cloud&p=${answers.join('.')}`);
      await hydrated(page);
      await expectStep(page, NODES.get(verdictId));
      const text = await page.locator('.diagnose-step').textContent();
      assert.match(text, /587/);
      assert.doesNotMatch(text.replace(/You do not need 2525/g, ''), /2525/, `${verdictId} sends to 2525`);
      assert.match(await page.locator('.diagnose-provider-note').textContent(), /Hetzner/);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('the output reader', () => {
  const cases = [
    { file: 'nc-filtered.txt', tool: 'nc', result: /timed out/, evidence: /timed out/, node: 'timeout-scope' },
    { file: 'nc-open.txt', tool: 'nc', result: /open.*mx\.test\.invalid greeted with 220/, evidence: /^220 mx\.test\.invalid/, node: 'greeting-check' },
    { file: 'nmap-closed.txt', tool: 'nmap', result: /refused/, evidence: /closed/, node: 'refused-scope' },
  ];
  for (const c of cases) {
    test(`${c.file} reads as ${c.node} and jumps there`, async () => {
      const { page, context, problems } = await openDiagnose();
      const area = page.getByLabel('Output of the command');
      await area.fill(capture(c.file));
      const summary = page.locator('.reading-summary');
      await page.waitForFunction(() => document.querySelector('.reading-summary')?.textContent !== '');
      assert.equal(await summary.getAttribute('aria-live'), 'polite');
      assert.match(await summary.textContent(), new RegExp(`^${c.tool}\\b.* output: `));
      assert.match(await summary.textContent(), c.result);
      const marks = await page.locator('.reading mark').allTextContents();
      assert.ok(marks.some((m) => c.evidence.test(m)), marks.join('\n'));
      const jump = page.locator('.reading-jump a');
      await jump.click();
      await expectStep(page, NODES.get(c.node));
      const path = new URL(page.url()).searchParams.get('p');
      assert.equal(nodeAt(path.split('.')).id, c.node);
      await page.waitForFunction(() => document.activeElement?.id === 'diagnose-step-heading');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('unknown output is an honest "can\'t tell" that points at how to test', async () => {
    const { page, context, problems } = await openDiagnose();
    await page.getByLabel('Output of the command').fill('it did something odd\nno idea');
    await page.getByRole('button', { name: 'Read output' }).click();
    await page.waitForFunction(() => document.querySelector('.reading-summary')?.textContent !== '');
    assert.equal(await page.locator('.reading-summary').textContent(), "Tool not recognised: can't tell.");
    assert.match(await page.locator('.reading').textContent(), /cannot be read with confidence/);
    await page.locator('.reading-jump a').click();
    await expectStep(page, NODES.get('how-to-test'));
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('without JavaScript', () => {
  test('the page lists the whole tree, every verdict anchored and linked', async () => {
    const { page, context } = await openPage(env.browser, { javaScriptEnabled: false });
    const response = await page.goto(env.url + 'diagnose?p=timeout.all');
    assert.equal(response.status(), 200);
    const tree = page.locator('.diagnose-tree');
    assert.equal(await tree.locator('.tree-verdict').count(), VERDICTS.length);
    assert.equal(await tree.locator('.tree-question').count(), TREE.nodes.length - VERDICTS.length);
    for (const v of VERDICTS) {
      assert.equal(await tree.locator(`#node-${v.id} summary`).textContent(), `Verdict: ${v.title}`);
    }
    // Every answer of every question is a link to the node it leads to.
    const targets = new Set(await tree.locator('a.tree-answer').evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
    const answers = TREE.nodes.filter((n) => n.kind === 'question').flatMap((q) => q.answers);
    assert.equal(await tree.locator('a.tree-answer').count(), answers.length);
    const verdictLinks = VERDICTS.filter((v) => targets.has(`#node-${v.id}`));
    assert.equal(verdictLinks.length, VERDICTS.length);
    // Following a link moves to its node, JavaScript or not.
    await tree.locator('a.tree-answer[href="#node-outbound-blocked"]').first().click();
    assert.equal(new URL(page.url()).hash, '#node-outbound-blocked');
    // The prerendered step shows the root question whatever the query says.
    assert.equal(await stepHeading(page).textContent(), NODES.get(TREE.root).text);
    await context.close();
  });
});
