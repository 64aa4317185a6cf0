namespace Vinculo.Dispatch;

/// <summary>
/// Hands one message to a channel and says what became of it. Implementations never retry a send on their own: whether
/// a message is tried again is the dispatcher's decision alone (a send must happen at most once).
/// </summary>
public interface IMessageSender
{
    /// <summary>Short name for <c>job_runs.detail</c> and the log.</summary>
    string Name { get; }

    /// <param name="cancellationToken">Cancels only a send that has not started; one in flight runs to its own timeout.</param>
    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>What a send came to.</summary>
public enum SendStatus
{
    /// <summary>The channel accepted the message: <see cref="SendResult.ProviderMessageId"/> identifies it.</summary>
    Accepted,

    /// <summary>The channel answered with an error (<see cref="SendResult.HttpStatus"/>, <see cref="SendResult.ErrorCode"/>).</summary>
    Refused,

    /// <summary>The request never left this machine (no connection could be made): safe to try again.</summary>
    NotSent,

    /// <summary>The request may have arrived and no answer says what became of it (a timeout, a reset, an unreadable answer).</summary>
    Unknown,
}

/// <param name="WaId">The recipient's WhatsApp id as the channel reports it (it may lack the Brazilian ninth digit).</param>
/// <param name="Problem">For the log and <c>job_runs</c>: what went wrong, without personal data.</param>
public sealed record SendResult(
    SendStatus Status,
    string? ProviderMessageId = null,
    string? WaId = null,
    int? HttpStatus = null,
    int? ErrorCode = null,
    string? ErrorTitle = null,
    string? Problem = null)
{
    public static SendResult Accepted(string providerMessageId, string? waId = null) => new(SendStatus.Accepted, providerMessageId, waId);
}
