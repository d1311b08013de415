/*
 * mp.c
 *	  Multiple primaries by the IARC/IACR 2004 rules (Working Group Report,
 *	  IARC Internal Report No. 2004/02): histology groups, topography groups
 *	  and the decision whether two tumours count as one primary.
 */
#include "registry_int.h"

/*
 * Histology groups of the IARC/IACR 2004 rules, as listed in
 * reference/clinical-rules.md 2.2 (IARC CanReg5 DefaultMultiplePrimaryTester).
 * Ranges are inclusive; the first range holding a code gives its group.
 */
static const struct {
	int from, to, group;
} hist_groups[] = {
	{8051, 8084, 1}, {8120, 8131, 1},
	{8090, 8110, 2},
	{8140, 8149, 3}, {8160, 8162, 3}, {8190, 8221, 3}, {8260, 8337, 3}, {8350, 8551, 3},
	{8570, 8576, 3}, {8940, 8941, 3},
	{8030, 8046, 4}, {8150, 8157, 4}, {8170, 8180, 4}, {8230, 8255, 4}, {8340, 8347, 4},
	{8560, 8562, 4}, {8580, 8671, 4},
	{8010, 8015, 5}, {8020, 8022, 5}, {8050, 8050, 5},
	{8680, 8713, 6}, {8800, 8921, 6}, {8990, 8991, 6}, {9040, 9044, 6}, {9120, 9125, 6},
	{9130, 9136, 6}, {9141, 9252, 6}, {9370, 9373, 6}, {9540, 9582, 6},
	{9050, 9055, 7},
	{9840, 9840, 8}, {9861, 9931, 8}, {9945, 9946, 8}, {9950, 9950, 8}, {9961, 9964, 8},
	{9980, 9987, 8},
	{9670, 9699, 9}, {9728, 9728, 9}, {9731, 9734, 9}, {9761, 9767, 9}, {9769, 9769, 9},
	{9823, 9826, 9}, {9833, 9833, 9}, {9836, 9836, 9}, {9940, 9940, 9},
	{9700, 9719, 10}, {9729, 9729, 10}, {9768, 9768, 10}, {9827, 9831, 10}, {9834, 9834, 10},
	{9837, 9837, 10}, {9948, 9948, 10},
	{9650, 9667, 11},
	{9740, 9742, 12},
	{9750, 9758, 13},
	{9590, 9591, 14}, {9596, 9596, 14}, {9727, 9727, 14}, {9760, 9760, 14}, {9800, 9801, 14},
	{9805, 9805, 14}, {9820, 9820, 14}, {9832, 9832, 14}, {9835, 9835, 14}, {9860, 9860, 14},
	{9960, 9960, 14}, {9970, 9970, 14}, {9975, 9975, 14}, {9989, 9989, 14},
	{9140, 9140, 15},
	{8720, 8790, 16}, {8930, 8936, 16}, {8950, 8983, 16}, {9000, 9030, 16}, {9060, 9110, 16},
	{9260, 9365, 16}, {9380, 9539, 16},
	{8000, 8005, 17},
};

/* Sites counted as one organ (3-character sites, inclusive ranges); others stand alone. */
static const struct {
	int from, to, group;
} topo_groups[] = {
	{1, 2, 1},		/* base of tongue and other tongue */
	{0, 0, 0}, {3, 6, 0},	/* lip, gum, floor of mouth, palate, other mouth */
	{9, 10, 9}, {12, 14, 9},	/* tonsil, oropharynx, pyriform sinus, hypopharynx, pharynx NOS */
	{19, 20, 19},		/* rectosigmoid junction and rectum */
	{23, 24, 23},		/* gallbladder and other biliary tract */
	{33, 34, 33},		/* trachea, bronchus and lung */
	{40, 41, 40},		/* bone and articular cartilage */
	{65, 68, 65},		/* renal pelvis, ureter, bladder, other urinary organs */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int
fg_mp_histology_group(int morphology)
{
	for (size_t i = 0; i < NELEM(hist_groups); i++)
		if (morphology >= hist_groups[i].from && morphology <= hist_groups[i].to)
			return hist_groups[i].group;
	return 0;
}

int
fg_mp_topography_group(int topography)
{
	int site = topography / 10;

	for (size_t i = 0; i < NELEM(topo_groups); i++)
		if (site >= topo_groups[i].from && site <= topo_groups[i].to)
			return topo_groups[i].group;
	return site;
}

static bool
systemic(int group)
{
	return group >= 7 && group <= 15;
}

/* Histologies that do not by themselves make a second primary: 5 against 1-4, 17 against any. */
static bool
histology_compatible(int a, int b)
{
	if (a == b || a == 17 || b == 17)
		return true;
	return (a == 5 && b >= 1 && b <= 4) || (b == 5 && a >= 1 && a <= 4);
}

bool
fg_mp_same_primary(const struct fg_tumour_codes *a, const struct fg_tumour_codes *b,
		   const char **reason)
{
	int ha = fg_mp_histology_group(a->morphology), hb = fg_mp_histology_group(b->morphology);
	const char *why;
	bool same;

	if (ha == 0)
		ha = 17;
	if (hb == 0)
		hb = 17;
	if (ha == hb && systemic(ha)) {
		why = "same systemic histology group, counted once whatever the site";
		same = true;
	} else if (!histology_compatible(ha, hb)) {
		why = "histology groups differ";
		same = false;
	} else if (fg_mp_topography_group(a->topography) != fg_mp_topography_group(b->topography)) {
		why = "topography groups differ";
		same = false;
	} else {
		why = ha == hb ? "same topography group and histology group"
			       : "same topography group; carcinoma NOS or an unspecified histology is decided on topography";
		same = true;
	}
	if (reason != NULL)
		*reason = why;
	return same;
}
