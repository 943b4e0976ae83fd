// A change of address in a real headless Chromium: asked for on the profile,
// the link taken from the mail the server prints on its standard output (no
// --smtp-url), opened, and the new address shown on the profile; and a change
// of name through the profile's form.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD, freePort, launchBrowser, newContext, registerThroughForm, screenshot, sleep, startServer } from "./helpers.mjs";

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  // Links in mail lead to the address the browser uses (localhost, a
  // secure context for the Secure cookies), so the port is chosen first.
  const port = await freePort();
  server = await startServer(["--public-url", `http://localhost:${port}`], { port });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The mails printed so far: each { to, subject, body }. */
function printedMails() {
  const mails = [];
  let current = null;
  for (const line of server.printed) {
    if (line.startsWith("======== mail")) {
      current = { to: "", subject: "", body: [] };
    } else if (line.startsWith("======== end of mail")) {
      if (current) mails.push({ ...current, body: current.body.join("\n") });
      current = null;
    } else if (current) {
      if (line.startsWith("To: ") && !current.to) current.to = line.slice(4).trim();
      else if (line.startsWith("Subject: ") && !current.subject) current.subject = line.slice(9).trim();
      else current.body.push(line);
    }
  }
  return mails;
}

/** The first printed mail to `email` whose subject matches; waits up to 15 s. */
async function printedMail(email, subject) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const mail = printedMails().find((m) => m.to.toLowerCase().includes(email.toLowerCase()) && subject.test(m.subject));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no mail to ${email} printed:\n` + server.printed.join("\n"));
    await sleep(50);
  }
}

test("the address is changed on the profile through the link mailed to the new address", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const user = await registerThroughForm(page, server);
  const newEmail = `grace-${Math.random().toString(36).slice(2)}@elsewhere.example.com`;

  await page.fill("#change-email input[name=new_email]", newEmail);
  await page.fill("#change-email input[name=password]", PASSWORD);
  const [asked] = await Promise.all([page.waitForNavigation(), page.click("#change-email button[type=submit]")]);
  assert.equal(asked.status(), 200);
  assert.equal(page.url(), server.url + "/profile");
  assert.match(await page.textContent(".flash"), new RegExp(`link went to ${newEmail.replace(/[.]/g, "\\.")}`));
  assert.equal(await page.textContent("#profile-email"), user.email, "nothing changed yet");
  await screenshot(page, "email-change-asked.png");

  const mail = await printedMail(newEmail, /new address/);
  const link = mail.body.match(/https?:\/\/[^\s"<>]*\/email\/change\?token=[A-Za-z0-9_-]+/)?.[0];
  assert.ok(link?.startsWith(server.url + "/email/change?token="), mail.body);
  const notice = await printedMail(user.email, /being changed/);
  assert.ok(notice.body.includes(server.url + "/password/forgot"), notice.body);
  assert.ok(!notice.body.includes(newEmail), "the notice shows the new address");

  const response = await page.goto(link);
  assert.equal(response.status(), 200);
  assert.equal(page.url(), server.url + "/email/change", "the token is out of the address bar");
  // Opening the link changes nothing (mail scanners open links): its button does.
  assert.equal(await page.textContent("#link-email"), newEmail);
  const [changed] = await Promise.all([page.waitForNavigation(), page.click("#change-email button[type=submit]")]);
  assert.equal(changed.status(), 200);
  assert.equal(await page.textContent("#new-email"), newEmail);
  await screenshot(page, "email-changed.png");

  await page.goto(server.url + "/profile");
  assert.equal(await page.textContent("#profile-email"), newEmail);

  // Used: the link now shows the page of a link that does not work.
  const again = await page.goto(link);
  assert.equal(again.status(), 400);
  assert.deepEqual(watch.consoleErrors.filter((e) => !/40[0-9]/.test(e)), []);
  await context.close();
});

test("the name is changed on the profile, and a bad one is shown beside the field", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await registerThroughForm(page, server);

  await page.fill("#change-name input[name=name]", "   ");
  const [failed] = await Promise.all([page.waitForNavigation(), page.click("#change-name button[type=submit]")]);
  assert.equal(failed.status(), 422);
  assert.ok(await page.isVisible("#new-name-error"));
  assert.equal(await page.locator("#change-email .form-error, #change-email .field-error").count(), 0);

  await page.fill("#change-name input[name=name]", "Grace Hopper");
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("#change-name button[type=submit]")]);
  assert.match(await page.textContent(".flash"), /name was changed/i);
  assert.equal(await page.textContent("#profile-name"), "Grace Hopper");
  await context.close();
});
