namespace WebPeerBridge.Web.Sessions;

/// <summary>Whether a new circuit (tab) may open a session.</summary>
internal enum CircuitAdmission
{
    Admitted,

    /// <summary>The browser session has its maximum number of circuits open.</summary>
    SessionFull,

    /// <summary>The remote address has its maximum number of circuits open.</summary>
    AddressFull,
}
