// WebPeerBridge browser helpers: the few things Blazor cannot do from the server.

const NEAR_BOTTOM_PX = 48;

/** Remembers the theme for the next page load (read by the server, so the first paint is right). */
export function setTheme(dark) {
    const value = dark ? "dark" : "light";
    document.cookie = `wpb-theme=${value}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.dataset.theme = value;
}

const systemThemeWatchers = new Map();
let nextSystemThemeWatcher = 1;

/**
 * Reports the system's theme (prefers-color-scheme) now and whenever it changes, until the person picks one. It is kept
 * in a cookie too, so the next page's first paint follows it.
 */
export function watchSystemTheme(dotNetRef) {
    const query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    if (!query) {
        return null;
    }
    const remember = (dark) => {
        document.cookie = `wpb-system-theme=${dark ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax`;
        if (!document.cookie.split("; ").some((c) => c.startsWith("wpb-theme="))) {
            document.documentElement.dataset.theme = dark ? "dark" : "light";
        }
    };
    const changed = (e) => {
        remember(e.matches);
        dotNetRef.invokeMethodAsync("SystemThemeChanged", e.matches).catch(() => { });
    };
    query.addEventListener("change", changed);
    const id = nextSystemThemeWatcher++;
    systemThemeWatchers.set(id, { query, changed });
    remember(query.matches);
    return { id, dark: query.matches };
}

/** Stops a watcher of watchSystemTheme. */
export function unwatchSystemTheme(id) {
    const watcher = systemThemeWatchers.get(id);
    if (watcher) {
        watcher.query.removeEventListener("change", watcher.changed);
        systemThemeWatchers.delete(id);
    }
}

/** The browser's time zone, so the server shows times as the reader expects. */
export function timeZone() {
    let id = "";
    try {
        id = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
        id = "";
    }
    return { id, offsetMinutes: new Date().getTimezoneOffset() };
}

/**
 * The composer's lines are taken here, in the browser, not from the value the server last heard: Enter (not Shift+Enter)
 * takes the box's text as it is at that keystroke and empties the box at once, so a key typed next starts the next line.
 * Lines go to .NET one after another (each waits for the one before), so they arrive whole and in the order typed.
 * A line that is refused goes back into the box, with the lines typed after it, so nothing typed is lost. A call that
 * gets no answer (the circuit dropped and came back: Blazor neither fails nor answers such a call) is made again with the
 * same line number, which .NET carries out only once.
 */
export function initComposer(root, dotNetRef, answerTimeoutMs, maxWaitingLines) {
    if (!root || !dotNetRef) {
        return false;
    }
    if (root.wpbComposer) {
        return true;
    }
    // A slow direct message just answers later: asking again only re-attaches to it.
    const state = {
        dotNetRef, answerTimeoutMs: answerTimeoutMs || 5000, maxWaitingLines: maxWaitingLines || 100, queue: [], pumping: false, lastId: 0,
        chose: false, // the arrow keys chose a completion since the text last changed
    };
    root.wpbComposer = state;
    root.addEventListener("keydown", (e) => {
        if (!(e.target instanceof HTMLTextAreaElement) || e.isComposing) {
            return;
        }
        const box = e.target;
        const listShown = root.querySelector("[role=listbox]") !== null;
        if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            if (listShown && state.chose) {
                // The arrow keys chose a completion: Enter picks it (the server holds the list).
                state.chose = false;
                complete(state, box, "PickCompletion");
            } else {
                takeLine(root, box);
            }
        } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && !e.shiftKey && listShown) {
            e.preventDefault(); // the arrows move through the list (on the server), not the caret
            state.chose = true;
        } else if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && tabCompletes(root, box, listShown)) {
            e.preventDefault(); // Tab completes a name instead of leaving the box
            complete(state, box, "CompleteTab");
        } else if (e.key === "Escape") {
            state.chose = false;
        }
    }, true);
    // Typing starts over: Enter sends again until the arrows choose anew.
    root.addEventListener("input", () => {
        state.chose = false;
    }, true);
    return true;
}

// Asks the server to complete the box's text, then puts the answer in the box, followed by whatever was typed meanwhile.
function complete(state, box, method) {
    const sent = box.value;
    state.dotNetRef.invokeMethodAsync(method, sent).then((completed) => {
        const now = box.value;
        if (typeof completed === "string" && now.startsWith(sent)) {
            setBoxText(box, completed + now.slice(sent.length));
        }
    }).catch(() => { });
}

// Tab stays in the box when it can complete: the text ends in a word, a list is shown, or a Tab completion cycles on.
function tabCompletes(root, box, listShown) {
    const text = box.value;
    if (text.length === 0) {
        return false;
    }
    return listShown || root.dataset.completing === "1" || !/\s$/.test(text);
}

/** The Send button: takes the box's text like Enter does. */
export function submitComposer(root) {
    const box = root && root.querySelector("textarea");
    if (box && root.wpbComposer) {
        takeLine(root, box);
    }
}

function takeLine(root, box) {
    const line = box.value;
    const state = root.wpbComposer;
    if (!line.trim() || state.queue.length >= state.maxWaitingLines) {
        return; // a full queue: the bridge is away for long; the text stays in the box
    }
    setBoxText(box, "");
    state.chose = false;
    state.queue.push({ id: ++state.lastId, text: line });
    pumpLines(root);
}

async function pumpLines(root) {
    const state = root.wpbComposer;
    if (state.pumping) {
        return;
    }
    state.pumping = true;
    try {
        while (state.queue.length > 0) {
            if (!await submitLine(state, state.queue[0])) {
                restoreLines(root, state.queue.splice(0).map((line) => line.text));
                return;
            }
            state.queue.shift();
        }
    } finally {
        state.pumping = false;
    }
}

// True when .NET took the line, false when it refused it or is gone for good (an error: the text goes back).
async function submitLine(state, line) {
    for (;;) {
        let timer;
        const noAnswer = new Promise((resolve) => {
            timer = setTimeout(() => resolve(null), state.answerTimeoutMs);
        });
        try {
            const answer = await Promise.race([state.dotNetRef.invokeMethodAsync("SubmitLineAsync", line.id, line.text), noAnswer]);
            if (answer !== null) {
                return answer === true;
            }
        } catch {
            return false;
        } finally {
            clearTimeout(timer);
        }
    }
}

// Puts unsent lines back in front of whatever was typed since; into the composer shown now if this one went away.
function restoreLines(root, lines) {
    const shown = root.isConnected ? root : document.querySelector(".wpb-composer");
    const box = shown && shown.querySelector("textarea");
    if (box) {
        setBoxText(box, [...lines, box.value].filter((text) => text.length > 0).join("\n"));
    }
}

// Tells Blazor, the way typing does, so the server's copy (the draft, the Send button) follows the box.
function setBoxText(box, text) {
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * Keeps a message log scrolled to the newest line while the reader is at the bottom, and tells .NET when the reader
 * leaves the bottom or comes back (SetFollowing), so the server counts the lines that arrive meanwhile and offers a
 * button to jump to them. Lines outside the view are virtualized: the log's size changes then, not its children.
 */
export function followLog(log, dotNetRef) {
    if (!log || log.wpbFollow) {
        return;
    }
    const state = { stuck: true, reported: true };
    log.wpbFollow = state;
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
    const toEnd = () => {
        log.scrollTop = log.scrollHeight;
    };
    const report = () => {
        if (dotNetRef && state.reported !== state.stuck) {
            state.reported = state.stuck;
            dotNetRef.invokeMethodAsync("SetFollowing", state.stuck).catch(() => { });
        }
    };
    state.report = report;

    log.addEventListener("scroll", () => {
        state.stuck = atBottom();
        report();
    }, { passive: true });

    const keepAtEnd = () => {
        if (state.stuck) {
            toEnd();
        }
    };
    const observer = new MutationObserver(keepAtEnd);
    // Attributes too: a new line beyond the rendered window only grows the virtualizer's spacer (its style).
    observer.observe(log, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["style"] });
    state.observer = observer;
    // The log shrinks when something opens below it (the /help panel): still at the end afterwards.
    const resized = new ResizeObserver(keepAtEnd);
    resized.observe(log);
    state.resized = resized;

    // Open at the "New messages" divider when there is one, else at the newest line.
    const divider = log.querySelector(".wpb-new-divider");
    if (divider) {
        divider.scrollIntoView({ block: "center" });
        state.stuck = atBottom();
        report();
    } else {
        toEnd();
    }
}

/** Scrolls a log to the line with this message id, if it is rendered, and marks it for a moment. */
export function scrollToMessage(log, messageId) {
    const line = log && [...log.querySelectorAll("[data-message-id]")].find((el) => el.dataset.messageId === messageId);
    if (line) {
        line.scrollIntoView({ block: "center" });
        line.classList.add("wpb-line-flash");
        setTimeout(() => line.classList.remove("wpb-line-flash"), 2000);
        return true;
    }
    return false;
}

/** Stops following a log that is going away. */
export function unfollowLog(log) {
    if (log && log.wpbFollow) {
        log.wpbFollow.observer.disconnect();
        log.wpbFollow.resized.disconnect();
        delete log.wpbFollow;
    }
}

/**
 * Scrolls the log of the conversation around `inside` to the line with `messageId` (a search result) and marks it a
 * moment. The log renders only the lines near the view, so it first scrolls to where the line should be (its index).
 */
export function jumpToLine(inside, messageId, index, count) {
    const section = inside && inside.closest(".wpb-conversation");
    const log = section && section.querySelector(".wpb-log");
    if (!log) {
        return;
    }
    const selector = `[data-message-id="${CSS.escape(messageId)}"]`;
    let tries = 0;
    const show = () => {
        const line = log.querySelector(selector);
        if (line) {
            if (log.wpbFollow) {
                log.wpbFollow.stuck = false;
            }
            line.scrollIntoView({ block: "center" });
            line.classList.add("wpb-line-found");
            setTimeout(() => line.classList.remove("wpb-line-found"), 2500);
            return;
        }
        if (tries++ === 0 && count > 0) {
            log.scrollTop = Math.max(0, (index / count) * log.scrollHeight - log.clientHeight / 2);
        }
        if (tries < 40) {
            setTimeout(show, 50);
        }
    };
    show();
}

/** Scrolls a log to its newest line (after the reader sent something). */
export function scrollLogToEnd(log) {
    if (log) {
        log.scrollTop = log.scrollHeight;
        if (log.wpbFollow) {
            log.wpbFollow.stuck = true;
            log.wpbFollow.report();
        }
    }
}

const visibilityWatchers = new Map(); // document listeners by id: visibility and Esc watchers
let nextWatcher = 1;

/** Whether the page is visible now. */
export function isPageVisible() {
    return document.visibilityState === "visible";
}

/** Tells the server when the page is shown or hidden, so lines count as unread only while nobody looks. */
export function watchVisibility(dotNetRef) {
    const report = () => dotNetRef.invokeMethodAsync("SetPageVisible", document.visibilityState === "visible").catch(() => { });
    document.addEventListener("visibilitychange", report);
    const id = nextWatcher++;
    visibilityWatchers.set(id, report);
    return id;
}

/** Stops a watcher of <see cref="watchVisibility"/>. */
export function unwatchVisibility(id) {
    unwatchDocument(id, "visibilitychange");
}

/** Tells the server when Esc is pressed (it closes the drawer over the chat); other keys cost no round trip. */
export function watchEscape(dotNetRef) {
    const report = (e) => {
        if (e.key === "Escape") {
            dotNetRef.invokeMethodAsync("EscapePressed").catch(() => { });
        }
    };
    document.addEventListener("keydown", report);
    const id = nextWatcher++;
    visibilityWatchers.set(id, report);
    return id;
}

/** Stops a watcher of watchEscape. */
export function unwatchEscape(id) {
    unwatchDocument(id, "keydown");
}

function unwatchDocument(id, eventName) {
    const report = visibilityWatchers.get(id);
    if (report) {
        document.removeEventListener(eventName, report);
        visibilityWatchers.delete(id);
    }
}

// ---------- browser notifications (DMs and mentions while the tab is hidden) ----------

const NOTIFY_KEY = "wpb-notify";
const SOUND_KEY = "wpb-notify-sound";

function readFlag(key) {
    try {
        return localStorage.getItem(key) === "1";
    } catch {
        return false;
    }
}

function writeFlag(key, on) {
    try {
        localStorage.setItem(key, on ? "1" : "0");
    } catch {
        // Storage is off: the choice lasts for this page only.
    }
}

/** Whether notifications can be shown: the browser's permission ("unsupported" without the API) and this browser's choices. */
export function notificationState() {
    const permission = "Notification" in window ? Notification.permission : "unsupported";
    return { permission, enabled: readFlag(NOTIFY_KEY), sound: readFlag(SOUND_KEY) };
}

/** Turns notifications on (asking the browser's permission first when it was never asked) or off. */
export async function enableNotifications(on) {
    if (on && "Notification" in window && Notification.permission === "default") {
        try {
            await Notification.requestPermission();
        } catch {
            // An old browser with the callback form only: the state below says what came of it.
        }
    }
    writeFlag(NOTIFY_KEY, on);
    return notificationState();
}

/** Turns the notification sound on or off. */
export function setNotificationSound(on) {
    writeFlag(SOUND_KEY, on);
    return notificationState();
}

/**
 * Shows a notification, only while the tab is hidden and only when the person turned them on and the browser allows
 * them; pressing it brings the tab forward and opens the conversation. True when one was shown.
 */
export function notify(title, body, conversation, dotNetRef) {
    const state = notificationState();
    if (document.visibilityState !== "hidden" || !state.enabled || state.permission !== "granted") {
        return false;
    }
    const notification = new Notification(title, { body, tag: `wpb-${conversation}` });
    notification.onclick = () => {
        window.focus();
        notification.close();
        if (dotNetRef) {
            dotNetRef.invokeMethodAsync("NotificationClicked", conversation).catch(() => { });
        }
    };
    if (state.sound) {
        beep();
    }
    return true;
}

// A short soft tone, made here: no sound file to fetch.
function beep() {
    try {
        const audio = new (window.AudioContext || window.webkitAudioContext)();
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.12, audio.currentTime);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
        tone.connect(gain).connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.35);
        tone.onended = () => audio.close();
    } catch {
        // No audio here: the notification still shows.
    }
}
