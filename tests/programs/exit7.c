/* Exits with status 7. */
int main(void)
{
	return 7;
}
