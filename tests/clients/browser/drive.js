// SPDX-License-Identifier: GPL-2.0-or-later
// tests/clients/browser/drive.js: drives page.html (JsSIP) in Debian's
// headless Chromium with puppeteer-core, for browser.sh. Serves the page and
// the JsSIP bundle from a small HTTP server on 127.0.0.1, then: the page
// registers over WebSocket (digest), sends SEND_TEXT to SEND_TO (expects
// 200), prints "WAITING: ..." and waits for a MESSAGE whose text is
// RECV_TEXT to show on the page (the shell makes baresip send it then).
// Each check prints "PASS: ..." or "FAIL: ... (why)"; every wait is bounded.
// Settings come from the environment:
//   CHROMIUM, PAGE_DIR (page.html), BUNDLE (jssip.js), HTTP_PORT, WS_URL,
//   SIP_URI, SIP_PASSWORD, SEND_TO, SEND_TEXT, RECV_TEXT, PROFILE_DIR,
//   CONSOLE_LOG (the page's console and state, for failures), NO_REGISTER
//   (the page does not register: browser.sh's harness check with its stub)
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const puppeteer = require("puppeteer-core");

const env = (k) => {
	const v = process.env[k];
	if (v === undefined || v === "")
		throw new Error("drive.js: " + k + " is not set");
	return v;
};
const REGISTER_MS = 30000, SEND_MS = 30000, RECV_MS = 45000;
let failures = 0;
function check(ok, what, why) {
	if (ok)
		console.log("PASS: " + what);
	else {
		failures++;
		console.log("FAIL: " + what + (why ? " (" + why + ")" : ""));
	}
	return ok;
}

function serve(port, pageDir, bundle) {
	const files = {
		"/": [path.join(pageDir, "page.html"), "text/html; charset=utf-8"],
		"/jssip.js": [bundle, "text/javascript; charset=utf-8"],
	};
	const srv = http.createServer((req, res) => {
		const f = files[req.url.split("?")[0]];
		if (req.url === "/favicon.ico") {
			res.writeHead(204);
			res.end();
			return;
		}
		if (!f) {
			res.writeHead(404);
			res.end();
			return;
		}
		res.writeHead(200, { "Content-Type": f[1], "Cache-Control": "no-store" });
		res.end(fs.readFileSync(f[0]));
	});
	return new Promise((resolve, reject) => {
		srv.once("error", reject);
		srv.listen(port, "127.0.0.1", () => resolve(srv));
	});
}

// waitPage(page, fn, ms): polls fn (run in the page) until truthy or ms pass
async function waitPage(page, fn, ms, arg) {
	try {
		await page.waitForFunction(fn, { timeout: ms, polling: 100 }, arg);
		return true;
	} catch (e) {
		return false;
	}
}

async function main() {
	const con = fs.createWriteStream(env("CONSOLE_LOG"));
	const srv = await serve(Number(env("HTTP_PORT")), env("PAGE_DIR"), env("BUNDLE"));
	const browser = await puppeteer.launch({
		executablePath: env("CHROMIUM"),
		headless: true,
		userDataDir: env("PROFILE_DIR"),
		args: ["--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-dev-shm-usage", "--use-fake-ui-for-media-stream",
			"--use-fake-device-for-media-stream",
			"--allow-loopback-in-peer-connection"],
		protocolTimeout: 60000,
	});
	let page;
	try {
		page = await browser.newPage();
		page.on("console", (m) => con.write("console." + m.type() + ": " + m.text() + "\n"));
		page.on("pageerror", (e) => con.write("pageerror: " + e + "\n"));
		const q = new URLSearchParams({ ws: env("WS_URL"), uri: env("SIP_URI"),
			password: env("SIP_PASSWORD"), register: process.env.NO_REGISTER ? "0" : "1" });
		await page.goto("http://127.0.0.1:" + env("HTTP_PORT") + "/?" + q.toString(),
			{ waitUntil: "load", timeout: 30000 });
		check(await page.evaluate(() => typeof JsSIP === "object" && !!window.tdm),
			"browser: the JsSIP page loads in Chromium", "no JsSIP or page state");

		const reg = await waitPage(page, () => window.tdm.registered || window.tdm.regError !== "",
			REGISTER_MS);
		const st = await page.evaluate(() => window.tdm);
		if (process.env.NO_REGISTER)
			console.log("NOTE: NO_REGISTER is set: the page does not register");
		else if (!check(reg && st.registered, "browser: JsSIP registers over WebSocket with digest",
			st.regError || (st.events || []).join(", ") || "timed out"))
			return;

		const sendTo = env("SEND_TO"), sendText = env("SEND_TEXT");
		const r = await Promise.race([
			page.evaluate((t, x) => window.tdmSend(t, x), sendTo, sendText),
			new Promise((res) => setTimeout(() => res({ ok: false, code: 0, cause: "timed out" }),
				SEND_MS)),
		]);
		check(r.ok && r.code === 200, "browser: page -> " + sendTo + " MESSAGE answered 200",
			"code " + r.code + " " + r.cause);

		if (process.env.NO_REGISTER)
			return; // not registered: nothing can reach the page
		const recvText = env("RECV_TEXT");
		console.log("WAITING: for a MESSAGE with the text " + JSON.stringify(recvText));
		const got = await waitPage(page,
			(x) => document.getElementById("inbox").textContent.includes(x), RECV_MS, recvText);
		const inbox = await page.evaluate(() => document.getElementById("inbox").textContent);
		check(got, "browser: the MESSAGE from baresip shows on the page",
			"inbox: " + JSON.stringify(inbox.slice(0, 200)));
	} finally {
		if (page) {
			try {
				const st = await page.evaluate(() => JSON.stringify(window.tdm));
				con.write("state: " + st + "\n");
			} catch (e) { /* the page is gone */ }
		}
		await browser.close().catch(() => {});
		srv.close();
		con.end();
	}
}

const hard = setTimeout(() => {
	console.log("FAIL: browser: driver (hard time limit reached)");
	process.exit(1);
}, 170000);
main().then(() => {
	clearTimeout(hard);
	process.exit(failures ? 1 : 0);
}, (e) => {
	console.log("FAIL: browser: driver (" + String(e && e.message || e).split("\n")[0] + ")");
	process.exit(1);
});
