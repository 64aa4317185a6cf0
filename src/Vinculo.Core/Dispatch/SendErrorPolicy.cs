namespace Vinculo.Dispatch;

/// <summary>What the dispatcher does after a send did not end in an accepted message.</summary>
public enum SendErrorAction
{
    /// <summary>Back to the queue with backoff, until <c>Dispatch:MaxAttempts</c>: the request never left, Meta failed, or throughput was hit.</summary>
    Retry,

    /// <summary>The 24-hour customer-service window is closed (131047, or 470 from the retired On-Premises API): send again at once as the template.</summary>
    RetryAsTemplate,

    /// <summary>Meta's per-user marketing limit (131049): re-queued for the person's slot on a later day, not a failure of the number.</summary>
    RequeueLater,

    /// <summary>The number cannot receive WhatsApp messages (131026): the message fails and the number moves towards <c>unreachable</c>.</summary>
    Undeliverable,

    /// <summary>The person stopped marketing messages in WhatsApp (131050): the message fails and marketing consent is revoked.</summary>
    MarketingStopped,

    /// <summary>The account, the token or the sender's quality is at stake: nothing more is sent until a person runs <c>dispatch resume</c>.</summary>
    Halt,

    /// <summary>Meta refused the content's template itself (missing, paused, disabled): the message fails and the content is paused.</summary>
    TemplateRejected,

    /// <summary>The request may have reached Meta and no answer says what became of it: failed, never sent again automatically.</summary>
    UnknownOutcome,

    /// <summary>Any other refusal, including codes this version does not know: the message fails (fail closed: never resent blindly).</summary>
    Rejected,
}

/// <summary>
/// How a WhatsApp Cloud API error is handled (SPEC section 6). The decision reads Meta's <c>error.code</c> and the HTTP
/// status only, never the message text, which Meta rewords and translates. Pure and thread-safe.
/// </summary>
/// <remarks>
/// Codes beyond SPEC's list, from Meta's error-code reference: the Graph API's own throttles (4, 80007) and transient
/// failures (1, 2, 131000, 131016) are retried like 130429; authentication and permission errors (0, 3, 102, 200–299)
/// halt like 190 and 10; an account that is locked (131031), has a payment problem (131042), lost its certificate
/// (131045) or whose number is not registered (133010) halts like 368; a template that does not exist, is paused or disabled (132001, 132015, 132016, and the flow errors
/// 132068/132069) pauses the content, while a parameter that does not fit (132000, 132012) fails only its message.
/// </remarks>
public static class SendErrorPolicy
{
    public const int Throughput = 130429;
    public const int Undeliverable = 131026;
    public const int WindowClosed = 131047;
    public const int LegacyWindowClosed = 470;
    public const int SpamRate = 131048;
    public const int MarketingLimit = 131049;
    public const int MarketingStopped = 131050;
    public const int PairRate = 131056;
    public const int AccountRestricted = 368;
    public const int AccessTokenExpired = 190;
    public const int PermissionDenied = 10;

    /// <summary>The action for a refused send.</summary>
    /// <param name="httpStatus">The response's HTTP status.</param>
    /// <param name="errorCode">Meta's <c>error.code</c>, or null when the body carried none.</param>
    public static SendErrorAction Classify(int httpStatus, int? errorCode)
    {
        if (errorCode is { } code && ByCode(code) is { } known)
        {
            return known;
        }

        if (httpStatus == 429 || httpStatus >= 500)
        {
            return SendErrorAction.Retry;
        }

        // An authentication failure that did not say which (a proxy, a body that is not Graph's): the token is suspect.
        return httpStatus is 401 or 403 && errorCode is null ? SendErrorAction.Halt : SendErrorAction.Rejected;
    }

    /// <summary>Whether <paramref name="action"/> stops all dispatching.</summary>
    public static bool Halts(SendErrorAction action) => action == SendErrorAction.Halt;

    private static SendErrorAction? ByCode(int code) => code switch
    {
        Throughput or PairRate or 4 or 80007 or 1 or 2 or 131000 or 131016 => SendErrorAction.Retry,
        WindowClosed or LegacyWindowClosed => SendErrorAction.RetryAsTemplate,
        MarketingLimit => SendErrorAction.RequeueLater,
        Undeliverable => SendErrorAction.Undeliverable,
        MarketingStopped => SendErrorAction.MarketingStopped,
        SpamRate or AccountRestricted or AccessTokenExpired or PermissionDenied
            or 0 or 3 or 102 or (>= 200 and <= 299) or 131031 or 131042 or 131045 or 133010 => SendErrorAction.Halt,
        // The template itself is missing, paused or disabled (a parameter that does not fit is the message's own problem).
        132001 or 132015 or 132016 or 132068 or 132069 => SendErrorAction.TemplateRejected,
        _ => null,
    };
}
