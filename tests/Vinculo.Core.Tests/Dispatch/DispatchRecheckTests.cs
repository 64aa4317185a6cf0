using Vinculo.Dispatch;
using Vinculo.Phones;
using Vinculo.Planning;
using Vinculo.Privacy;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class DispatchRecheckTests
{
    private const int CapDays = 7;
    private const int MaxIdleDays = 90;
    private const string Number = "+5511987654321";
    private const string OtherNumber = "+5521987654321";
    private const string ContentBody = "Olá {first_name}, chegou {product}!";

    /// <summary>A Monday, 14:00 UTC: inside the default window (Mon-Fri 09:00-18:00) in UTC.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private static readonly MessageRenderer Renderer = new();

    private static DispatchRecheck Recheck(bool preferSession = true, Func<string?, TimeZoneInfo>? zoneOf = null) =>
        new(SendWindow.Default, Renderer, zoneOf ?? (_ => TimeZoneInfo.Utc), CapDays, MaxIdleDays, preferSession);

    /// <summary>A message another tool queued (no stored body or parameters) from a templated content, due now.</summary>
    private static ClaimedRow Row(long messageId, long contactId = 1, string? number = Number, DateTimeOffset? scheduledAt = null) => new()
    {
        MessageId = messageId,
        ContactId = contactId,
        ContentId = 10,
        Number = number,
        ContactNumber = number,
        ScheduledAt = scheduledAt ?? Now,
        Name = "Maria Souza",
        PhoneStatus = PhoneStatuses.Valid,
        ContentFound = 10,
        ContentBody = ContentBody,
        TemplateName = " promo_natal ",
        Active = true,
    };

    private static ConsentRow FreshConsent(long contactId = 1, string number = Number) =>
        new() { Number = number, ContactId = contactId, GrantedAt = Now.AddDays(-30) };

    /// <summary>A batch whose rows all hold a fresh consent and whose contacts last bought a coffee.</summary>
    private static ClaimFacts Facts(params ClaimedRow[] rows)
    {
        var facts = new ClaimFacts([.. rows]);
        foreach (var row in rows.Where(r => r.Number is not null).DistinctBy(r => r.ContactId))
        {
            facts.Consents.Add(FreshConsent(row.ContactId, row.Number!));
            facts.LastProducts[row.ContactId] = ("Café", Now.AddDays(-3));
        }

        return facts;
    }

    private static (long Id, string Reason) Cancelled(ClaimVerdicts verdicts) => Assert.Single(verdicts.Cancel);

    [Fact]
    public void Decide_SendsTheContentsTemplate_WhenTheSessionWindowIsClosed()
    {
        var verdicts = Recheck().Decide(Facts(Row(1)), Now);

        var ready = Assert.Single(verdicts.Send);
        Assert.Empty(verdicts.Cancel);
        Assert.Empty(verdicts.Wait);
        Assert.Equal(SentAs.Template, ready.Message.SentAs);
        Assert.Equal(Number, ready.Message.To);
        Assert.Null(ready.Message.Text);
        Assert.Equal("promo_natal", ready.Message.TemplateName);
        Assert.Equal(DispatchRecheck.DefaultTemplateLanguage, ready.Message.TemplateLanguage);
        Assert.Equal([new TemplateParameter("first_name", "Maria"), new TemplateParameter("product", "Café")], ready.Message.TemplateParameters);
        Assert.Null(ready.AsTemplate);
        Assert.StartsWith("Olá Maria, chegou Café!", ready.RenderedBody, StringComparison.Ordinal);
        Assert.Equal("""{"first_name":"Maria","product":"Café"}""", ready.TemplateParamsJson);
    }

    [Fact]
    public void Decide_KeepsTheContentsLanguage_Trimmed()
    {
        var row = Row(1);
        row.TemplateLanguage = " en_US ";

        var ready = Assert.Single(Recheck().Decide(Facts(row), Now).Send);

        Assert.Equal("en_US", ready.Message.TemplateLanguage);
    }

    [Fact]
    public void Decide_SendsASessionMessageWithTheTemplateAsFallback_WhenThePersonWroteRecently()
    {
        var facts = Facts(Row(1));
        facts.WroteRecently.Add(Number);

        var ready = Assert.Single(Recheck(preferSession: true).Decide(facts, Now).Send);

        Assert.Equal(SentAs.Session, ready.Message.SentAs);
        Assert.StartsWith("Olá Maria, chegou Café!", ready.Message.Text, StringComparison.Ordinal);
        Assert.Empty(ready.Message.TemplateParameters);
        Assert.Null(ready.Message.TemplateName);
        Assert.NotNull(ready.AsTemplate);
        Assert.Equal(SentAs.Template, ready.AsTemplate.SentAs);
        Assert.Equal("promo_natal", ready.AsTemplate.TemplateName);
    }

    [Fact]
    public void Decide_SendsTheTemplate_WhenTheSessionIsOpenButNotPreferred()
    {
        var facts = Facts(Row(1));
        facts.WroteRecently.Add(Number);

        var ready = Assert.Single(Recheck(preferSession: false).Decide(facts, Now).Send);

        Assert.Equal(SentAs.Template, ready.Message.SentAs);
        Assert.Null(ready.AsTemplate);
    }

    [Fact]
    public void Decide_SendsASessionMessage_WhenTheContentHasNoTemplateButTheSessionIsOpen()
    {
        var row = Row(1);
        row.TemplateName = "  ";
        var facts = Facts(row);
        facts.WroteRecently.Add(Number);

        var ready = Assert.Single(Recheck().Decide(facts, Now).Send);

        Assert.Equal(SentAs.Session, ready.Message.SentAs);
        Assert.Null(ready.AsTemplate);
    }

    [Fact]
    public void Decide_UsesThePlannersBodyAndParameters_AsStored()
    {
        var row = Row(1);
        row.Body = "Oi Maria, texto do planejador";
        row.TemplateParams = """{"first_name":"Mari","product":"Bolo"}""";
        var facts = Facts(row);
        facts.WroteRecently.Add(Number);

        var ready = Assert.Single(Recheck().Decide(facts, Now).Send);

        Assert.Equal("Oi Maria, texto do planejador", ready.Message.Text);
        Assert.Equal([new TemplateParameter("first_name", "Mari"), new TemplateParameter("product", "Bolo")], ready.AsTemplate!.TemplateParameters);
        Assert.Null(ready.RenderedBody);
        Assert.Null(ready.TemplateParamsJson);
    }

    [Fact]
    public void Decide_RendersTheContentsValues_WhenTheStoredParametersCannotBeRead()
    {
        var row = Row(1);
        row.TemplateParams = """{"first_name":1}""";

        var ready = Assert.Single(Recheck().Decide(Facts(row), Now).Send);

        Assert.Equal([new TemplateParameter("first_name", "Maria"), new TemplateParameter("product", "Café")], ready.Message.TemplateParameters);
        Assert.Null(ready.TemplateParamsJson);
    }

    [Fact]
    public void Decide_CancelsAsNotRenderable_WhenTheTemplateNeedsAProductThePersonNeverBought()
    {
        var row = Row(1);
        var facts = Facts(row);
        facts.LastProducts.Clear();

        var verdicts = Recheck().Decide(facts, Now);

        Assert.Equal((1L, DispatchReasons.NotRenderable), Cancelled(verdicts));
        Assert.Empty(verdicts.Send);
    }

    [Fact]
    public void Decide_CancelsAsNoTemplate_WhenTheContentHasNoneAndTheSessionIsClosed()
    {
        var row = Row(1);
        row.TemplateName = null;

        Assert.Equal((1L, DispatchReasons.NoTemplate), Cancelled(Recheck().Decide(Facts(row), Now)));
    }

    [Fact]
    public void Decide_SendsOnlyTheEarliestOfTwoMessagesToOneNumber_InSlotOrderNotListOrder()
    {
        var later = Row(1, scheduledAt: Now.AddMinutes(-1));
        var earlier = Row(2, scheduledAt: Now.AddMinutes(-5));

        var verdicts = Recheck().Decide(Facts(later, earlier), Now);

        Assert.Equal(2, Assert.Single(verdicts.Send).Row.MessageId);
        Assert.Equal((1L, DispatchReasons.FrequencyCap), Cancelled(verdicts));
    }

    [Fact]
    public void Decide_BreaksASlotTieByTheLowerMessageId()
    {
        var verdicts = Recheck().Decide(Facts(Row(7), Row(3)), Now);

        Assert.Equal(3, Assert.Single(verdicts.Send).Row.MessageId);
        Assert.Equal((7L, DispatchReasons.FrequencyCap), Cancelled(verdicts));
    }

    [Fact]
    public void Decide_SendsToTwoNumbersInOneBatch()
    {
        var verdicts = Recheck().Decide(Facts(Row(1), Row(2, contactId: 2, number: OtherNumber)), Now);

        Assert.Equal([1L, 2L], verdicts.Send.Select(r => r.Row.MessageId).Order());
        Assert.Empty(verdicts.Cancel);
    }

    [Fact]
    public void Decide_DoesNotCountACancelledMessageAgainstTheNextOne()
    {
        var inactive = Row(1, scheduledAt: Now.AddMinutes(-5));
        inactive.Active = false;

        var verdicts = Recheck().Decide(Facts(inactive, Row(2)), Now);

        Assert.Equal((1L, DispatchReasons.ContentInactive), Cancelled(verdicts));
        Assert.Equal(2, Assert.Single(verdicts.Send).Row.MessageId);
    }

    [Fact]
    public void Decide_CapsAMessage_WhenAnotherWentOutWithinTheCap()
    {
        var facts = Facts(Row(1));
        facts.OnTheWay.Add(new OnTheWayRow { MessageId = 9, Number = Number, Status = MessageStatuses.Sent, ScheduledAt = Now.AddDays(-2), SentAt = Now.AddDays(-2) });

        Assert.Equal((1L, DispatchReasons.FrequencyCap), Cancelled(Recheck().Decide(facts, Now)));
    }

    [Fact]
    public void Decide_Sends_WhenTheLastMessageWentOutBeforeTheCap()
    {
        var facts = Facts(Row(1));
        facts.OnTheWay.Add(new OnTheWayRow { MessageId = 9, Number = Number, Status = MessageStatuses.Sent, ScheduledAt = Now.AddDays(-CapDays - 1), SentAt = Now.AddDays(-CapDays - 1) });

        Assert.Single(Recheck().Decide(facts, Now).Send);
    }

    [Fact]
    public void Decide_IgnoresTheClaimedMessagesOwnRow_AmongThoseOnTheWay()
    {
        var facts = Facts(Row(1));
        facts.OnTheWay.Add(new OnTheWayRow { MessageId = 1, Number = Number, Status = MessageStatuses.Sending, ScheduledAt = Now });

        Assert.Single(Recheck().Decide(facts, Now).Send);
    }

    [Fact]
    public void Decide_CountsTheLatestInteraction_WhenTheStoredOneIsOlder()
    {
        var facts = Facts(Row(1));
        facts.Consents[0].GrantedAt = Now.AddDays(-MaxIdleDays - 10);
        facts.Consents[0].LastInteractionAt = Now.AddDays(-MaxIdleDays - 5);
        facts.LastActivity[1] = Now.AddDays(-3);

        Assert.Single(Recheck().Decide(facts, Now).Send);
    }

    [Fact]
    public void Decide_KeepsTheStoredInteraction_WhenItIsTheLater()
    {
        var facts = Facts(Row(1));
        facts.Consents[0].GrantedAt = Now.AddDays(-MaxIdleDays - 10);
        facts.Consents[0].LastInteractionAt = Now.AddDays(-3);
        facts.LastActivity[1] = Now.AddDays(-MaxIdleDays - 5);

        Assert.Single(Recheck().Decide(facts, Now).Send);
    }

    [Fact]
    public void Decide_CancelsAsNotFresh_WhenNoSignOfLifeIsWithinTheIdleDays()
    {
        var facts = Facts(Row(1));
        facts.Consents[0].GrantedAt = Now.AddDays(-MaxIdleDays - 10);
        facts.LastActivity[1] = Now.AddDays(-MaxIdleDays - 1);

        Assert.Equal((1L, DispatchReasons.ConsentNotFresh), Cancelled(Recheck().Decide(facts, Now)));
    }

    [Fact]
    public void Decide_CountsTheConsentOfAnotherLiveRowOfTheNumber()
    {
        var facts = Facts(Row(1));
        facts.Consents.Clear();
        facts.Consents.Add(FreshConsent(contactId: 2));

        Assert.Single(Recheck().Decide(facts, Now).Send);
    }

    [Fact]
    public void Decide_CancelsAsNoConsent_WhenOnlyAnotherNumberHasOne()
    {
        var facts = Facts(Row(1));
        facts.Consents.Clear();
        facts.Consents.Add(FreshConsent(number: OtherNumber));

        Assert.Equal((1L, DispatchReasons.NoConsent), Cancelled(Recheck().Decide(facts, Now)));
    }

    [Fact]
    public void Decide_CancelsAsSuppressed_WhenAnyFormOfTheNumberIsSuppressed()
    {
        foreach (var hash in PhoneHash.OfEveryForm(Number))
        {
            var facts = Facts(Row(1));
            facts.SuppressedHashes.Add(hash);

            Assert.Equal((1L, DispatchReasons.Suppressed), Cancelled(Recheck().Decide(facts, Now)));
        }
    }

    [Fact]
    public void Decide_CancelsAsSuppressed_WhenTheContactsStoredHashIsSuppressed()
    {
        var row = Row(1);
        row.PhoneHash = "stored-hash";
        var facts = Facts(row);
        facts.SuppressedHashes.Add("stored-hash");

        Assert.Equal((1L, DispatchReasons.Suppressed), Cancelled(Recheck().Decide(facts, Now)));
    }

    [Fact]
    public void Decide_CancelsAsNoNumber_WhenTheMessageHasNone()
    {
        var row = Row(1, number: null);

        Assert.Equal((1L, DispatchReasons.NoNumber), Cancelled(Recheck().Decide(Facts(row), Now)));
    }

    [Fact]
    public void Decide_Waits_UntilTheWindowOpensOnTheMessagesDay()
    {
        var verdicts = Recheck().Decide(Facts(Row(1, scheduledAt: Now.AddDays(1).AddHours(-3))), Now);

        Assert.Equal((1L, new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)), Assert.Single(verdicts.Wait));
        Assert.Empty(verdicts.Send);
    }

    [Fact]
    public void Decide_ReadsTheSendTimeInTheContactsZone()
    {
        var tokyo = TimeZoneInfo.CreateCustomTimeZone("UTC+09", TimeSpan.FromHours(9), "UTC+09", "UTC+09");
        var asked = new List<string?>();
        var row = Row(1);
        row.TimeZone = "Asia/Tokyo";

        var verdicts = Recheck(zoneOf: id => { asked.Add(id); return tokyo; }).Decide(Facts(row), Now);

        // 14:00 UTC is 23:00 in UTC+9: that day's window has closed.
        Assert.Equal((1L, DispatchReasons.MissedWindow), Cancelled(verdicts));
        Assert.Equal(["Asia/Tokyo"], asked);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"first_name\"")]
    [InlineData("""{"first_name":null}""")]
    [InlineData("""{"first_name":"Maria","product":2}""")]
    public void StoredParameters_IsNull_WhenNotAnObjectOfStrings(string? json) =>
        Assert.Null(DispatchRecheck.StoredParameters(json));

    [Fact]
    public void StoredParameters_KeepsTheStoredOrder()
    {
        var parameters = DispatchRecheck.StoredParameters("""{"product":"Tênis","first_name":"Carla"}""");

        Assert.Equal([new TemplateParameter("product", "Tênis"), new TemplateParameter("first_name", "Carla")], parameters);
    }

    [Fact]
    public void StoredParameters_ReadsAnEmptyObjectAsNoParameters() =>
        Assert.Equal([], DispatchRecheck.StoredParameters("{}")!);

    [Fact]
    public void ParametersJson_WritesAccentsReadably_AndReadsBack()
    {
        TemplateParameter[] parameters = [new("first_name", "João"), new("product", "Tênis Corrida Azul")];

        var json = DispatchRecheck.ParametersJson(parameters);

        Assert.Equal("""{"first_name":"João","product":"Tênis Corrida Azul"}""", json);
        Assert.Equal(parameters, DispatchRecheck.StoredParameters(json));
    }
}
