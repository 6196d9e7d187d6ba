using Coaching.Domain.Common;

namespace Coaching.Domain.Tests.Common;

public class PagingTests
{
    [Theory]
    [InlineData(0, PageRequest.DefaultSize)]
    [InlineData(1, 1)]
    [InlineData(PageRequest.MaxSize, PageRequest.MaxSize)]
    public void Parse_Size_DefaultsAndBounds(int requested, int expected) =>
        Assert.Equal(expected, PageRequest.Parse(requested, null, "f").Size);

    [Theory]
    [InlineData(-1)]
    [InlineData(PageRequest.MaxSize + 1)]
    public void Parse_SizeOutOfRange_FailsOnPageSize(int requested)
    {
        var error = Assert.Throws<DomainException>(() => PageRequest.Parse(requested, null, "f"));

        Assert.Equal("page_size", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Token_RoundTrips_ForSameFilter()
    {
        var token = PageToken.Encode("01abc", "coaches|cv|False");

        Assert.Equal("01abc", PageRequest.Parse(10, token, "coaches|cv|False").After);
    }

    [Theory]
    [InlineData("coaches|risk|False")]
    [InlineData("coaches|cv|True")]
    public void Token_FromOtherFilter_IsRejected(string otherFilter)
    {
        var token = PageToken.Encode("01abc", "coaches|cv|False");

        var error = Assert.Throws<DomainException>(() => PageRequest.Parse(10, token, otherFilter));

        Assert.Equal("page_token", Assert.Single(error.Violations).Field);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("aGVsbG8")]
    public void Token_Garbage_IsRejected(string token)
    {
        var error = Assert.Throws<DomainException>(() => PageRequest.Parse(10, token, "f"));

        Assert.Equal("page_token", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void FromFetched_ExtraItem_MeansNextPage()
    {
        var request = new PageRequest(2, null);

        var more = Page.FromFetched(["a", "b", "c"], request, s => s, "f");
        var last = Page.FromFetched(["a", "b"], request, s => s, "f");

        Assert.Equal(["a", "b"], more.Items);
        Assert.Equal("b", PageToken.Decode(more.NextPageToken, "f"));
        Assert.Equal(string.Empty, last.NextPageToken);
    }
}
