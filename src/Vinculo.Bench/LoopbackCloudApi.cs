using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vinculo.Bench;

/// <summary>One request the loopback Cloud API received.</summary>
/// <param name="To">The request's <c>to</c>, when its body could be read.</param>
/// <param name="ReceivedTicks">When it arrived (<see cref="Stopwatch"/> ticks).</param>
public sealed record RecordedRequest(string Path, string? Authorization, string Body, string? To, long ReceivedTicks);

/// <summary>What the loopback Cloud API answers: an HTTP status and a JSON body.</summary>
public sealed record CloudApiReply(int Status, string Body)
{
    /// <summary>Meta's answer to an accepted send: a fresh wamid, and the recipient's WhatsApp id as digits.</summary>
    public static CloudApiReply Accepted(string? to, string? waId = null) => new(
        200,
        new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["contacts"] = new JsonArray { new JsonObject { ["input"] = to, ["wa_id"] = waId ?? to?.TrimStart('+') } },
            ["messages"] = new JsonArray { new JsonObject { ["id"] = "wamid." + Convert.ToBase64String(Guid.NewGuid().ToByteArray()) } },
        }.ToJsonString());
}

/// <summary>
/// A stand-in for Meta's Cloud API on 127.0.0.1, for <c>vinculo-bench --dispatch</c> and the tests: a real HTTP server (Kestrel)
/// that accepts <c>POST /{version}/{phone-number-id}/messages</c>, answers after a delay, and records what it received.
/// </summary>
public sealed class LoopbackCloudApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private long count;

    private LoopbackCloudApi(WebApplication app, Uri baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The address to use as <c>Dispatch:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every request received, in arrival order (when recording).</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Requests received.</summary>
    public long Count => Interlocked.Read(ref count);

    /// <param name="respond">The answer to each request (its <c>to</c> is parsed); by default, accepted.</param>
    /// <param name="delay">How long each answer takes.</param>
    /// <param name="record">Keep every request (the tests); without it only arrivals are counted and timed.</param>
    /// <param name="arrivals">Where arrival times go (<see cref="Stopwatch"/> ticks), when given.</param>
    public static async Task<LoopbackCloudApi> StartAsync(
        Func<RecordedRequest, CloudApiReply>? respond = null, TimeSpan delay = default, bool record = true, ConcurrentQueue<long>? arrivals = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxConcurrentConnections = 1024;
        });
        var app = builder.Build();
        LoopbackCloudApi? api = null;
        app.MapPost("/{version}/{phoneNumberId}/messages", async (HttpContext http) =>
        {
            var now = Stopwatch.GetTimestamp();
            arrivals?.Enqueue(now);
            Interlocked.Increment(ref api!.count);
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            string? to = null;
            try
            {
                to = JsonNode.Parse(body)?["to"]?.GetValue<string>();
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                // Recorded as it came; the answer decides.
            }

            var request = new RecordedRequest(http.Request.Path, http.Request.Headers.Authorization.ToString(), body, to, now);
            if (record)
            {
                api.requests.Enqueue(request);
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, http.RequestAborted);
            }

            var reply = respond?.Invoke(request) ?? CloudApiReply.Accepted(to);
            http.Response.StatusCode = reply.Status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(reply.Body, http.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api = new LoopbackCloudApi(app, new Uri(address));
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
