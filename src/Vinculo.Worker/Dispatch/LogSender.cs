using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Privacy;

namespace Vinculo.Dispatch;

/// <summary>
/// The default sender, for first runs, the demo and trials: sends nothing. Each message becomes one JSON line in
/// <c>{Dispatch:OutboxPath}/outbox-YYYY-MM-DD.jsonl</c> (a file per UTC day) holding the exact request body the Cloud
/// sender would POST, and one log line with the number masked; the message is then marked sent with a local id.
/// </summary>
public sealed class LogSender(IOptions<DispatchOptions> options, IHostEnvironment environment, TimeProvider timeProvider, ILogger<LogSender> logger)
    : IMessageSender, IDisposable
{
    /// <summary>Local message ids start with this, so they can never be mistaken for Meta's wamids.</summary>
    public const string IdPrefix = "local.";

    private readonly SemaphoreSlim gate = new(1, 1);

    public string Name => nameof(SenderKind.Log);

    public string OutboxFolder => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.OutboxPath));

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = timeProvider.GetUtcNow();
        var id = IdPrefix + Guid.NewGuid().ToString("N");
        var line = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["provider_message_id"] = id,
            ["sent_at"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["sent_as"] = message.SentAs,
            ["request"] = CloudApiRequests.Body(message),
        };
        var path = Path.Combine(OutboxFolder, $"outbox-{now:yyyy-MM-dd}.jsonl");

        await gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(OutboxFolder);
            await File.AppendAllTextAsync(path, line.ToJsonString(LineOptions) + "\n", Encoding.UTF8, CancellationToken.None);
        }
        finally
        {
            gate.Release();
        }

        DispatchLog.WrittenToOutbox(logger, message.MessageId, PhoneMask.Mask(message.To), message.SentAs);
        return SendResult.Accepted(id);
    }

    public void Dispose() => gate.Dispose();

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
