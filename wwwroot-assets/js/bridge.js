// WebPeerBridge browser helpers: the few things Blazor cannot do from the server.

const NEAR_BOTTOM_PX = 48;

/** Remembers the theme for the next page load (read by the server, so the first paint is right). */
export function setTheme(dark) {
    const value = dark ? "dark" : "light";
    document.cookie = `wpb-theme=${value}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.dataset.theme = value;
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
    };
    root.wpbComposer = state;
    root.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target instanceof HTMLTextAreaElement) {
            e.preventDefault();
            takeLine(root, e.target);
        }
    }, true);
    return true;
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

const visibilityWatchers = new Map();
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
    const report = visibilityWatchers.get(id);
    if (report) {
        document.removeEventListener("visibilitychange", report);
        visibilityWatchers.delete(id);
    }
}
